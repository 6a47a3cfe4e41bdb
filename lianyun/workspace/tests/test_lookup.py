from django.test import Client
from django.urls import reverse

from lianyun.core.models import AuditEntry
from lianyun.testing import Cast

URL = reverse("workspace:resident-lookup")


def _client(cast: Cast, persona: str = "town_secretary") -> Client:
    client = Client()
    client.force_login(getattr(cast, persona).user)
    return client


def _number_of(cast: Cast, name: str) -> str:
    return next(number for number, person in cast.residents.items() if person.name == name)


def test_an_official_finds_a_resident_of_the_town_by_id_number(cast: Cast) -> None:
    number = _number_of(cast, "袁建国")
    response = _client(cast).post(URL, {"id_number": number, "purpose": "核实补贴"})
    page = response.content.decode()
    assert "袁*国" in page
    assert number not in page
    entry = AuditEntry.objects.get(action="lookup:resident")
    assert entry.actor_name == "town_secretary"
    assert entry.purpose == "核实补贴"
    assert entry.object_id == str(cast.cadre_resident.pk)
    assert number not in str(entry.detail)
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_a_resident_of_another_town_is_not_found(cast: Cast) -> None:
    page = (
        _client(cast)
        .post(URL, {"id_number": _number_of(cast, "冯用武"), "purpose": "x"})
        .content.decode()
    )
    assert "您的辖区内没有该身份证号码的居民" in page
    assert "冯" not in page


def test_not_in_scope_and_not_existing_answer_alike(cast: Cast) -> None:
    client = _client(cast)
    foreign = client.post(URL, {"id_number": _number_of(cast, "冯用武"), "purpose": "x"})
    unknown = client.post(URL, {"id_number": "360426199101010071", "purpose": "x"})

    def body(response):  # type: ignore[no-untyped-def]
        text = response.content.decode()
        return text[text.index("<main>") :].split('name="csrfmiddlewaretoken"')[0]

    assert body(foreign).replace(_number_of(cast, "冯用武"), "") == body(unknown).replace(
        "360426199101010071", ""
    )


def test_a_bad_id_number_says_what_is_wrong_and_writes_nothing(cast: Cast) -> None:
    before = AuditEntry.objects.count()
    page = (
        _client(cast)
        .post(URL, {"id_number": "360426199101010072", "purpose": "x"})
        .content.decode()
    )
    assert "校验码与前面不符" in page
    assert AuditEntry.objects.count() == before


def test_the_id_number_never_travels_in_the_url(cast: Cast) -> None:
    page = _client(cast).get(URL).content.decode()
    assert 'method="post"' in page


def test_only_roles_whose_work_needs_the_register_may_browse_or_search_it(cast: Cast) -> None:
    """The custodian, county departments, the auditor and the IT operator browsed the whole
    county's resident register and looked people up by ID number (an outside probe). Their
    work needs neither; the register answers them like a missing page."""
    from lianyun.accounts.actions import create_account
    from lianyun.core.roles import Role
    from lianyun.regions.models import Unit
    from lianyun.testing import PASSWORD, commissions

    commissions(cast)
    number = _number_of(cast, "袁建国")
    listing = reverse("workspace:resident-list", args=[cast.village_a1.code])
    department, _new = Unit.objects.get_or_create(
        name="平昌县民政局", region=cast.county, defaults={"kind": "department"}
    )
    for n, role in enumerate(
        [Role.CUSTODIAN, Role.COUNTY_DEPARTMENT, Role.AUDITOR, Role.ADMINISTRATOR]
    ):
        user = create_account(
            username=f"no-register-{n}",
            password=PASSWORD,
            role=role,
            region=cast.county,
            unit=department if role == Role.COUNTY_DEPARTMENT else None,
        ).user
        client = Client()
        client.force_login(user)
        assert client.get(listing).status_code == 404, role
        assert client.post(URL, {"id_number": number, "purpose": "看看"}).status_code == 404
    assert not AuditEntry.objects.filter(action="lookup:resident").exists()
    # The county commission may, and its browsing is audited page by page.
    county = _client(cast, "county_inspector")
    assert county.get(listing, {"page": "2"}).status_code == 200
    entry = AuditEntry.objects.get(action="view:residents")
    assert entry.actor_name == cast.county_inspector.username
    assert entry.detail == {"region": cast.village_a1.code, "page": 1}
