"""宣传教育: sanitised text, the editorial workflow into the publication chain, audiences,
required reading, media served from the app, search; bad input writes nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.learning import actions, queries
from lianyun.learning.models import Article, ArticleRead, ArticleStatus, Category, Media
from lianyun.policies.models import SubsidyItem
from lianyun.publications.models import Entry
from lianyun.testing import Cast


def _department(county: Cast) -> User:
    from lianyun.regions.models import Unit

    return User.objects.create(
        username="mz",
        role=Role.COUNTY_DEPARTMENT,
        region=county.county,
        unit=Unit.objects.filter(kind="department").first(),
    )


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 0, 0)).save(out, "PNG")
    return SimpleUploadedFile("a.png", out.getvalue())


# The smallest MP4 header a browser or a sniffer recognises: an ftyp box.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_body_is_sanitised_and_plain_text_becomes_paragraphs() -> None:
    clean, text = actions.sanitise(
        '<p onclick="x()">好<script>alert(1)</script></p><a href="javascript:alert(1)">坏</a>'
        '<img src="http://evil.example/a.png"><a href="https://example.org">链接</a>'
    )
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert "<img" not in clean
    assert 'href="https://example.org"' in clean and "noopener" in clean
    assert text == "好 坏 链接"
    paragraphs, _ = actions.sanitise("第一段\n第二行\n\n第二段 <b")
    assert paragraphs == "<p>第一段<br>第二行</p><p>第二段 &lt;b</p>"
    plain, _ = actions.sanitise("一 & 二\n\n三")
    assert plain == "<p>一 &amp; 二</p><p>三</p>"


def test_a_department_writes_the_commission_publishes_into_the_chain(county: Cast) -> None:
    author = _department(county)
    reviewer = county.county_inspector.user
    dibao = SubsidyItem.objects.get(code="dibao")
    article = actions.save_article(
        actor=author,
        title="低保怎么申请",
        category=Category.POLICY,
        body="向乡镇提出申请。\n\n公示七天。",
        policy_items=[dibao],
        media=[
            (*actions.check_media(_png()), "图解"),
            (*actions.check_media(SimpleUploadedFile("v.mp4", MP4)), "视频"),
        ],
    )
    assert sorted(article.media.values_list("kind", flat=True)) == ["image", "video"]
    # A draft is missing to the public, and its author cannot publish it.
    assert _client().get(reverse("learning:article-detail", args=[article.pk])).status_code == 404
    with pytest.raises(ValidationError):
        actions.review(article=article, actor=reviewer, approve=True)
    actions.submit_for_review(article=article, actor=author)
    author.role = Role.COUNTY_COMMISSION  # even a commission account does not review itself
    with pytest.raises(ValidationError):
        actions.review(article=article, actor=author, approve=True)
    with pytest.raises(ValidationError):
        actions.review(article=article, actor=reviewer, approve=False, note="  ")
    assert Article.objects.get().status == ArticleStatus.REVIEW
    actions.review(article=article, actor=reviewer, approve=True)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    entry = Entry.objects.get(subject=f"article:{article.pk}")
    assert "公示七天" in entry.payload and "sha256" in entry.payload
    # Public: the list, the item filter, search, the media inline and unsniffable.
    public = _client()
    listed = public.get(reverse("learning:article-list") + "?item=dibao").content.decode()
    assert "低保怎么申请" in listed
    assert (
        "低保怎么申请"
        in public.get(reverse("learning:article-list") + "?q=公示 乡镇").content.decode()
    )
    assert (
        "低保怎么申请"
        not in public.get(reverse("learning:article-list") + "?q=高龄").content.decode()
    )
    video = Media.objects.get(kind="video")
    served = public.get(reverse("learning:media", args=[video.pk]))
    assert served["Content-Type"] == "video/mp4" and served["X-Content-Type-Options"] == "nosniff"
    assert served.content == MP4
    # Ranges, as a phone's video player asks when it starts or seeks (Safari insists on them).
    url, size = reverse("learning:media", args=[video.pk]), len(MP4)
    assert served["Accept-Ranges"] == "bytes"
    for asked, part in (
        ("bytes=2-5", (2, 5)),
        ("bytes=-4", (size - 4, size - 1)),
        ("bytes=3-", (3, size - 1)),
        (f"bytes=1-{size + 50}", (1, size - 1)),
    ):
        answer = public.get(url, HTTP_RANGE=asked)
        assert answer.status_code == 206, asked
        assert answer.content == MP4[part[0] : part[1] + 1]
        assert answer["Content-Range"] == f"bytes {part[0]}-{part[1]}/{size}"
        assert answer["X-Content-Type-Options"] == "nosniff"
    for asked in (f"bytes={size}-", "bytes=-0"):
        answer = public.get(url, HTTP_RANGE=asked)
        assert answer.status_code == 416 and answer["Content-Range"] == f"bytes */{size}"
    for asked in ("bytes=0-1,3-4", "bytes=5-2", "items=0-1", "bytes=-"):  # the whole file
        answer = public.get(url, HTTP_RANGE=asked)
        assert answer.status_code == 200 and answer.content == MP4, asked
    whole = public.get(url, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"x"')
    assert whole.status_code == 200 and whole.content == MP4
    # Published is never edited: withdrawn, with a correction in the chain.
    author.role = Role.COUNTY_DEPARTMENT
    with pytest.raises(ValidationError):
        actions.save_article(
            actor=author, article=article, title="改", category="policy", body="改"
        )
    actions.withdraw(article=article, actor=reviewer, reason="政策已调整")
    correction = Entry.objects.get(corrects=entry)
    assert "政策已调整" in correction.payload
    assert public.get(reverse("learning:article-detail", args=[article.pk])).status_code == 404


def test_bad_input_writes_nothing(county: Cast) -> None:
    author = _department(county)
    for fields in (
        {"title": " ", "category": "policy", "body": "正文"},
        {"title": "题", "category": "gossip", "body": "正文"},
        {"title": "题", "category": "policy", "body": "<script>x</script>"},
        {"title": "题", "category": "policy", "body": "正文", "roles": ["king"]},
    ):
        with pytest.raises(ValidationError):
            actions.save_article(actor=author, **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        actions.save_article(
            actor=county.town_secretary.user, title="题", category="policy", body="正文"
        )
    with pytest.raises(ValidationError):
        actions.check_media(SimpleUploadedFile("a.mp4", b"MZ\x90\x00 not a video at all"))
    assert not Article.objects.exists() and not Media.objects.exists()


def test_an_officials_notice_binds_its_audience_and_counts_who_read_it(county: Cast) -> None:
    editor = _department(county)
    notice = actions.save_article(
        actor=editor,
        title="学习条例的通知",
        category=Category.NOTICE,
        body="月底前学完。",
        roles=[Role.TOWN_COMMISSION, Role.VILLAGE_CADRE],
        regions=[county.town_a],
        required=True,
    )
    actions.submit_for_review(article=notice, actor=editor)
    actions.review(article=notice, actor=county.county_inspector.user, approve=True)
    page = reverse("learning:article-detail", args=[notice.pk])
    # Not public (no chain entry), not for a villager or another town's commission.
    assert not Entry.objects.filter(subject=f"article:{notice.pk}").exists()
    assert _client().get(page).status_code == 404
    assert _client(county.villager.user).get(page).status_code == 404
    assert _client(county.outsider.user).get(page).status_code == 404
    secretary, cadre = county.town_secretary.user, county.village_cadre.user
    assert queries.unread_required(secretary) == [notice]
    home = _client(secretary).get(reverse("workspace:home")).content.decode()
    assert 'data-test="unread-required">1<' in home
    listed = _client(secretary).get(reverse("learning:article-list")).content.decode()
    assert 'data-test="unread-required"' in listed and "学习条例的通知" in listed
    assert _client(secretary).get(page).status_code == 200
    assert queries.unread_required(secretary) == []
    _client(secretary).get(page)  # the first read counts, once
    assert ArticleRead.objects.count() == 1
    status = queries.read_status(notice)
    assert [u for u, _ in status.read] == [secretary] and status.unread == [cadre]
    assert status.share == 50.0
    reads = reverse("learning:article-reads", args=[notice.pk])
    assert _client(county.county_inspector.user).get(reads).status_code == 200
    assert _client(secretary).get(reads).status_code == 404
