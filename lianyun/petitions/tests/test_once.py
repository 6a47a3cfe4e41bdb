"""Nothing typed is counted twice: a petition sent again with the same one-time key (a reload of
the POST, a double tap, a retry on a bad network, twenty at once) is filed once, and every
copy is led to the first one's receipt."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from lianyun.core.models import Submission
from lianyun.core.once import FIELD, new_key
from lianyun.petitions.models import Petition
from lianyun.testing import Cast, build_cast, commissions, pow_field

DATA = {
    "kind": "suggestion",
    "subject": "",
    "subject_text": "村道",
    "description": "村道路灯坏了三个月，晚上老人出门不方便，请修理。",
    "anonymous": "1",
    "reporter_name": "",
    "reporter_phone": "",
    "reporter_id_number": "",
    "earlier_receipt": "",
}


def _receipt(page: str) -> str:
    found = re.search(r'<code class="big">([A-Z2-7-]+)</code>', page)
    assert found, page[:500]
    return found[1]


@pytest.mark.django_db
def test_a_reload_a_double_tap_and_the_back_button_file_one_petition(cast: Cast) -> None:
    commissions(cast)
    url = reverse("petitions:petition-create", args=[cast.village_a1.code])
    form = Client().get(url).content.decode()
    key = re.search(rf'name="{FIELD}" value="([^"]+)"', form)
    assert key, "the form carries a one-time key"
    phone = Client()
    sent = {**DATA, FIELD: key[1], **pow_field("petition")}
    first = phone.post(url, sent)
    assert first.status_code == 302 and first["Location"] == reverse("petitions:petition-receipt")
    receipt = _receipt(phone.get(first["Location"]).content.decode())
    again = phone.post(url, sent, follow=True)  # reload, or back and resend
    assert _receipt(again.content.decode()) == receipt
    assert Petition.objects.count() == 1
    # The receipt page can be reloaded; once the villager follows the petition it is gone.
    assert receipt in phone.get(reverse("petitions:petition-receipt")).content.decode()
    tracked = phone.get(reverse("petitions:petition-tracked")).content.decode()
    assert receipt not in tracked
    assert (
        receipt
        not in phone.get(reverse("petitions:petition-receipt"), follow=True).content.decode()
    )


@pytest.mark.django_db
def test_a_form_with_errors_keeps_its_key_free_for_the_corrected_one(cast: Cast) -> None:
    commissions(cast)
    url = reverse("petitions:petition-create", args=[cast.village_a1.code])
    key = new_key()
    client = Client()
    short = client.post(url, {**DATA, "description": "太短", FIELD: key, **pow_field("petition")})
    assert short.status_code == 200 and not Petition.objects.exists()
    assert not Submission.objects.filter(key=key).exists()
    # The page shown again solves a new challenge: each send spends one.
    fixed = client.post(url, {**DATA, FIELD: key, **pow_field("petition")})
    assert fixed.status_code == 302 and Petition.objects.count() == 1


def test_twenty_copies_sent_at_once_file_one_petition(committed: None) -> None:
    cast = build_cast()
    commissions(cast)
    url = reverse("petitions:petition-create", args=[cast.village_a1.code])
    data = {**DATA, FIELD: new_key(), **pow_field("petition")}

    def send(_n: int) -> str:
        try:
            return Client().post(url, data)["Location"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        places = set(pool.map(send, range(20)))
    assert places == {reverse("petitions:petition-receipt")}
    assert Petition.objects.count() == 1
