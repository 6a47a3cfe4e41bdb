"""S7: a person's payouts behind a second factor; enumeration limits; disputes reach the town."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from lianyun.core.models import AuditEntry
from lianyun.ledger.access import VERIFIED
from lianyun.ledger.models import Payout
from lianyun.testing import CARD, payout_rows, pow_field

URL = reverse("ledger:payout-lookup")
CODE = reverse("ledger:payout-code")
TEXT = reverse("ledger:payout-text")


def _ask(
    client: Client, number: str, *, name: str = "袁建国", card: str = CARD, year: str = "2026"
):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        {
            "name": name,
            "id_number": number,
            "card_number": card,
            "year": year,
            **pow_field("lookup"),
        },
        follow=True,
    )


def _body(response) -> str:  # type: ignore[no-untyped-def]
    text = response.content.decode()
    text = text[text.index("<main>") : text.index("</main>")]
    return text.split('name="csrfmiddlewaretoken"')[0]


def test_the_person_sees_their_years_payouts_with_the_total(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    number, resident = person
    page = _ask(client, number).content.decode()
    assert page.count('data-test="dispute"') == 3
    payouts = Payout.objects.filter(resident=resident)
    assert str(sum(p.amount for p in payouts)) in page
    assert number not in page
    assert (
        AuditEntry.objects.filter(action="lookup:payouts", object_id=str(resident.pk)).count() == 1
    )


def test_unknown_person_wrong_card_and_wrong_name_answer_identically(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    other = payout_rows(1, start=50)[0][1]  # a valid ID number nobody registered
    answers = [
        _ask(Client(), other),
        _ask(Client(), number, card="S99999999"),
        _ask(Client(), number, name="袁建"),
    ]
    assert len({a.status_code for a in answers}) == 1
    bodies = {_body(a) for a in answers}
    assert len(bodies) == 1
    assert 'data-test="lookup-failed"' in bodies.pop()


def test_the_id_number_alone_never_answers_and_never_travels_in_the_url(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    number, _ = person
    assert (
        client.get(URL + f"?id_number={number}").content.decode().count('data-test="dispute"') == 0
    )
    assert 'method="post"' in client.get(URL).content.decode()


def _ask_from(address: str, number: str, **changes: str):  # type: ignore[no-untyped-def]
    """A lookup from a new browser (no cookies at all) at a network address."""
    return _ask(Client(REMOTE_ADDR=address), number, **changes)


def test_a_stranger_with_the_id_number_never_locks_the_owner_out(person) -> None:  # type: ignore[no-untyped-def]
    """Ten wrong cards against someone's ID number blocked the owner's right lookup for a day
    (an outside probe). Failures now count per person and client: the stranger is stopped for
    that person, the owner elsewhere is answered."""
    number, _ = person
    limit, _window = settings.LIANYUN_LIMITS["lookup_failures_per_target_client"]
    assert limit <= 10
    for n in range(limit + 5):
        _ask_from("198.51.100.7", number, card=f"S0000000{n % 10}")
    assert 'data-test="statement"' not in _ask_from("198.51.100.7", number).content.decode()
    assert 'data-test="statement"' in _ask_from("203.0.113.20", number).content.decode()


def test_dropping_the_cookies_gives_a_script_no_fresh_allowance(person, settings) -> None:  # type: ignore[no-untyped-def]
    """The per-browser limit was keyed on the CSRF cookie: a script that dropped it was answered
    25 times of 25 past the limit. Now every answer counts toward the client's address."""
    number, _ = person
    settings.LIANYUN_LIMITS = {**settings.LIANYUN_LIMITS, "lookup_per_client": (20, 3600)}
    strangers = [r[1] for r in payout_rows(20, start=100)]
    for stranger in strangers:
        _ask_from("198.51.100.8", stranger)
    answered = [
        'data-test="statement"' in _ask_from("198.51.100.8", number).content.decode()
        for _ in range(25)
    ]
    assert answered == [False] * 25
    assert 'data-test="statement"' in _ask_from("203.0.113.21", number).content.decode()


def test_a_forged_forwarded_for_counts_for_nothing_unless_a_trusted_proxy_sent_it(
    person, settings
) -> None:  # type: ignore[no-untyped-def]
    from lianyun.core.limits import client_address
    from lianyun.testing import request_from

    forged = request_from("198.51.100.9", forwarded="10.9.8.7")
    assert client_address(forged) == "198.51.100.9"  # the peer is no proxy of ours
    proxied = request_from("127.0.0.1", forwarded="10.9.8.7, 203.0.113.30")
    assert client_address(proxied) == "203.0.113.30"  # nginx appended the real peer
    chain = request_from("127.0.0.1", forwarded="203.0.113.31, 127.0.0.1")
    assert client_address(chain) == "203.0.113.31"
    assert client_address(request_from("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    settings.LIANYUN_TRUSTED_PROXIES = []
    assert client_address(request_from("127.0.0.1", forwarded="203.0.113.30")) == "127.0.0.1"


def _texted_code(outbox: list) -> str:  # type: ignore[type-arg]
    import re

    match = re.search(r"(\d{6})", outbox[-1].text)
    assert match
    return match.group(1)


def test_without_a_card_a_code_texted_to_the_phone_on_file_opens_the_payouts(
    client: Client, person, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from lianyun.core.sms import MemoryBackend

    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    number, resident = person
    resident.set_phone("13900005678")
    resident.save()
    ask = {"name": "袁建国", "id_number": number, "card_number": "", "year": "2026"}
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(TEXT, {**ask, **pow_field("lookup")}, follow=True).content.decode()
    assert 'data-test="code-step"' in page and 'data-test="statement"' not in page
    assert [m.phone for m in MemoryBackend.outbox] == ["13900005678"]
    code = _texted_code(MemoryBackend.outbox)
    assert code not in page and number not in page
    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(CODE, {"code": wrong, "year": "2026"})
    assert 'data-test="lookup-failed"' in refused.content.decode()
    shown = client.post(CODE, {"code": code, "year": "2026"}, follow=True).content.decode()
    assert shown.count('data-test="dispute"') == 3
    # A code is good once.
    client.cookies.pop(VERIFIED)
    again = client.post(CODE, {"code": code, "year": "2026"}, follow=True).content.decode()
    assert 'data-test="statement"' not in again


def test_asking_for_a_code_answers_alike_for_strangers_and_texts_only_the_person(
    client: Client, person, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from lianyun.core.sms import MemoryBackend

    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    number, resident = person
    resident.set_phone("13900005678")
    resident.save()
    pages = []
    for name, id_number in [("袁建国", number), ("张三", number), ("袁建国", "110101199003070011")]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                TEXT,
                {
                    "name": name,
                    "id_number": id_number,
                    "year": "2026",
                    **pow_field("lookup"),
                },
                follow=True,
            )
        pages.append(_body(response))
    assert pages[0] == pages[1] == pages[2]
    assert [m.phone for m in MemoryBackend.outbox] == ["13900005678"]  # only the real person


def test_codes_go_only_to_a_matching_name_and_are_limited_per_person_and_client(
    person, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A stranger with only the ID number texts nobody and uses up nothing; one with the name
    too texts the person at most a few times, and the owner can still get a code."""
    from lianyun.core.sms import MemoryBackend

    settings.LIANYUN_SMS_BACKEND = "lianyun.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    number, resident = person
    resident.set_phone("13900005678")
    resident.save()

    def ask_code(address: str, name: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            Client(REMOTE_ADDR=address).post(
                TEXT,
                {
                    "name": name,
                    "id_number": number,
                    "year": "2026",
                    **pow_field("lookup"),
                },
            )

    for _ in range(30):
        ask_code("198.51.100.10", "王二")  # the wrong name
    assert MemoryBackend.outbox == []
    per_client, _window = settings.LIANYUN_LIMITS["lookup_codes_per_target_client"]
    for _ in range(per_client + 3):
        ask_code("198.51.100.10", "袁建国")
    assert len(MemoryBackend.outbox) == per_client
    ask_code("203.0.113.22", "袁建国")  # the owner, at home
    assert len(MemoryBackend.outbox) == per_client + 1
    per_person, _window = settings.LIANYUN_LIMITS["lookup_codes_per_target"]
    for n in range(per_person * 2):
        ask_code(f"198.51.100.{20 + n}", "袁建国")
    assert len(MemoryBackend.outbox) == per_person  # however many addresses ask
    # Tries: the right code after the allowed wrong tries opens nothing.
    MemoryBackend.outbox.clear()
    settings.LIANYUN_LIMITS = {**settings.LIANYUN_LIMITS, "lookup_codes_per_target": (99, 60)}
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            TEXT,
            {
                "name": "袁建国",
                "id_number": number,
                "year": "2026",
                **pow_field("lookup"),
            },
        )
    code = _texted_code(MemoryBackend.outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.LIANYUN_LOOKUP_CODE_TRIES):
        client.post(CODE, {"code": wrong, "year": "2026"})
    late = client.post(CODE, {"code": code, "year": "2026"}, follow=True).content.decode()
    assert 'data-test="statement"' not in late


def test_only_the_browser_that_proved_the_person_may_dispute_and_only_for_a_while(
    client: Client,
    person,
    time_machine,  # type: ignore[no-untyped-def]
) -> None:
    import datetime

    from django.urls import reverse as url_for

    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC))
    number, resident = person
    _ask(client, number)
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    dispute = url_for("petitions:payout-dispute", args=[payout.pk])
    assert client.get(dispute).status_code == 200
    stranger = Client()
    assert stranger.get(dispute).status_code == 404
    stranger.cookies[VERIFIED] = client.cookies[VERIFIED].value[:-4] + "AAAA"  # tampered
    assert stranger.get(dispute).status_code == 404
    stranger.cookies[VERIFIED] = "not base64 at all!"
    assert stranger.get(dispute).status_code == 404
    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, 11, tzinfo=datetime.UTC))
    assert client.get(dispute).status_code == 404  # the proof lasts 10 minutes


def test_the_statement_escapes_what_the_payment_platform_sent(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    """The lines are built outside a template: a failure reason from the platform's file with
    markup in it shows as text, and every line still files its own dispute."""
    number, resident = person
    payout = Payout.objects.filter(resident=resident).order_by("pk").first()
    assert payout is not None
    Payout.objects.filter(pk=payout.pk).update(
        status="failed", failure_reason='<script>alert("x")</script>&', account_last4="<i>"
    )
    page = _ask(client, number).content.decode()
    assert "<script>alert" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert "&lt;i&gt;" in page
    for line in Payout.objects.filter(resident=resident):
        dispute = reverse("petitions:payout-dispute", args=[line.pk])
        assert f'href="{dispute}"' in page


def test_answers_come_from_a_shell_that_holds_nothing_about_anyone(person) -> None:  # type: ignore[no-untyped-def]
    """The answer page is rendered once per server with marks for the lines and the total; the
    shell holds no line, total, name or token, and each answer has its own token and lines."""
    from lianyun.core import pagecache

    number, resident = person
    pagecache._SHELLS.clear()
    first, second = Client(), Client()
    answers = [_ask(first, number), _ask(second, number), _ask(Client(), number, year="2025")]
    failed = _ask(Client(), number, card="S99999999")
    total = str(sum(p.amount for p in Payout.objects.filter(resident=resident)))
    assert all(total in a.content.decode() for a in answers[:2])
    assert [a.content.decode().count('data-test="dispute"') for a in answers] == [3, 3, 0]
    assert "No payouts in this year." in answers[2].content.decode() or "该年度没有" in (
        answers[2].content.decode()
    )
    assert 'data-test="lookup-failed"' in failed.content.decode()
    assert len(pagecache._SHELLS) >= 3
    for shell in pagecache._SHELLS.values():
        assert total not in shell and "袁" not in shell and 'data-test="dispute"' not in shell
        assert pagecache.CSRF_FIELD.search(shell).group(1) == pagecache.CSRF_PLACEHOLDER
    tokens = {pagecache.CSRF_FIELD.search(a.content.decode()).group(1) for a in answers[:2]}
    assert len(tokens) == 2 and pagecache.CSRF_PLACEHOLDER not in tokens
    # The token on the page is one the browser's cookie accepts: the first browser can dispute.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = first.cookies
    token = pagecache.CSRF_FIELD.search(answers[0].content.decode()).group(1)
    payout = Payout.objects.filter(resident=resident).first()
    assert payout is not None
    dispute = reverse("petitions:payout-dispute", args=[payout.pk])
    assert strict.post(dispute, {"csrfmiddlewaretoken": token}).status_code == 200


def test_a_proved_lookup_redirects_so_reload_and_back_never_send_again(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    """Post/redirect/get: the ID number goes once, in a POST body; the statement is a GET that a
    reload or the back button from a dispute form shows again, with no new audit row."""
    number, _resident = person
    answer = client.post(
        URL,
        {
            "name": "袁建国",
            "id_number": number,
            "card_number": CARD,
            "year": "2026",
            **pow_field("lookup"),
        },
    )
    assert answer.status_code == 303
    where = answer["Location"]
    assert where == reverse("ledger:payout-statement", args=[2026]) and number not in where
    for _again in range(3):  # the first view, a reload, back from a dispute form
        page = client.get(where).content.decode()
        assert page.count('data-test="dispute"') == 3
    assert AuditEntry.objects.filter(action="lookup:payouts").count() == 1
    # Other years are links while the proof lasts.
    assert client.get(reverse("ledger:payout-statement", args=[2025])).status_code == 200
    # Another browser, or the same one once the proof has gone, is asked again.
    for browser in (Client(), client):
        browser.cookies.pop(VERIFIED, None)
        again = browser.get(where, follow=True).content.decode()
        assert 'data-test="statement"' not in again and 'name="id_number"' in again
    assert client.get(reverse("ledger:payout-statement", args=[1999])).status_code == 404


def test_a_wrong_form_keeps_what_was_typed_and_is_never_a_shared_shell(person) -> None:  # type: ignore[no-untyped-def]
    from lianyun.core import pagecache

    pagecache._SHELLS.clear()
    page = Client().post(URL, {"name": "袁建国", "id_number": "", "year": "2026"}).content.decode()
    assert 'value="袁建国"' in page
    assert all("袁建国" not in shell for shell in pagecache._SHELLS.values())


def test_only_a_signed_in_villagers_statement_may_be_kept_on_the_phone(county, person) -> None:  # type: ignore[no-untyped-def]
    number, _resident = person
    anonymous = Client()
    assert "X-Lianyun-Keep" not in _ask(anonymous, number)
    signed_in = Client()
    signed_in.force_login(county.villager.user)
    kept = _ask(signed_in, number)
    assert kept["X-Lianyun-Keep"] == "personal"
    assert "no-store" in kept["Cache-Control"]  # never in the browser's own HTTP cache


def test_a_lookup_without_a_solved_proof_of_work_is_refused_and_counts_for_nothing(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    """A script that skips the page's proof of work gets no answer at all (the outside probe
    was answered 25 times of 25)."""
    from lianyun.core import pow

    number, _resident = person
    form = {"name": "袁建国", "id_number": number, "card_number": CARD, "year": "2026"}
    bare = client.post(URL, form)
    assert bare.status_code == 200 and 'data-test="statement"' not in bare.content.decode()
    assert str(pow.MISSING) in bare.content.decode()  # the page says to wait for the check
    assert not AuditEntry.objects.filter(action="lookup:payouts").exists()
    solved = {**form, **pow_field("lookup")}
    assert client.post(URL, solved).status_code == 303
    assert client.post(URL, solved).status_code == 200  # the same solution twice: refused
