"""A petition that names an official only in its own words: found against the directory, kept
from that official as if picked as the subject, and confirmed by a commission."""

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lianyun.petitions import actions
from lianyun.petitions.access import visible_petitions
from lianyun.petitions.models import PetitionKind
from lianyun.testing import Cast, commissions


def _named_petition(cast: Cast, text: str) -> actions.Submitted:
    return actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=cast.village_a1,
        anonymous=True,
        subject_text="村干部",
        description=text,
    )


def test_a_name_in_the_text_is_held_for_the_commission_to_confirm(cast: Cast) -> None:
    commissions(cast)
    cadre = cast.cadre_resident
    submitted = _named_petition(cast, f"{cadre.name}把修路款挪作他用，请调查。")
    petition = submitted.petition
    assert petition.subject_to_confirm and list(petition.named_people.all()) == [cadre]
    # Nobody named, and a name too short to mean anyone, hold nothing.
    plain = _named_petition(cast, "村里的路灯坏了三个月，请尽快修理。")
    assert not plain.petition.subject_to_confirm and not plain.petition.named_people.exists()
    # The town commission sees it and its badge; it confirms the subject.
    town = Client()
    town.force_login(cast.town_secretary.user)
    queue = town.get(reverse("petitions:petition-list")).content.decode()
    assert 'data-test="subject-badge"' in queue
    page = town.get(reverse("petitions:petition-detail", args=[petition.pk])).content.decode()
    assert 'data-test="subject-to-confirm"' in page and cadre.name in page
    confirmed = town.post(
        reverse("petitions:petition-subject", args=[petition.pk]), {"person": str(cadre.pk)}
    )
    assert confirmed.status_code == 302
    petition.refresh_from_db()
    assert petition.subject_person == cadre and not petition.subject_to_confirm
    assert petition.events.filter(kind="subject_confirmed").count() == 1
    # Settled once; the cadre never sees it.
    try:
        actions.confirm_subject(petition=petition, person=None, actor=cast.town_secretary.user)
    except ValidationError:
        pass
    else:
        raise AssertionError("a settled subject was changed")
    assert not visible_petitions(cast.village_cadre.user).filter(pk=petition.pk).exists()


def test_only_someone_the_text_named_can_be_confirmed_and_none_of_them_is_allowed(
    cast: Cast,
) -> None:
    commissions(cast)
    petition = _named_petition(cast, f"{cast.cadre_resident.name}截留了三户人家的低保金。").petition
    stranger = next(r for r in cast.residents.values() if r.pk != cast.cadre_resident.pk)
    try:
        actions.confirm_subject(petition=petition, person=stranger, actor=None)
    except ValidationError:
        pass
    else:
        raise AssertionError("someone the text did not name was confirmed")
    actions.confirm_subject(petition=petition, person=None, actor=None)
    petition.refresh_from_db()
    assert petition.subject_person is None and not petition.subject_to_confirm
    assert list(petition.named_people.all()) == [cast.cadre_resident]  # still recused
