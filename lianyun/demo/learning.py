"""宣传教育 and 云端话廉 for the demo county.

A published library written by the county's civil affairs bureau (policy explanations linked
to their subsidy items) and the commission's editor (typical case notices, integrity culture
with a poster and a recording, a required notice for village officials that most have read),
reviewed and published by the county commission; one article waits for review. Three talks: a
past lecture with its recording, attendance, questions and minutes, one on now, and one to come
with a live link; reminder talks, one of them with the demo village cadre, not yet
acknowledged. The poster and the recording are made here (a picture drawn with Pillow, a tone
written as WAV), so the demo needs no media files of its own.
"""

import datetime
import io
import math
import random
import struct
import wave

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.demo.generator import DemoCounty, quiet_official
from lianyun.learning import actions as learning
from lianyun.learning.models import Article, ArticleRead, Category
from lianyun.policies.models import SubsidyItem
from lianyun.talks import actions as talks
from lianyun.talks.models import Attendance, QuestionStatus, Registration, TalkKind, TalkQuestion

OFFICIALS = [Role.VILLAGE_CADRE, Role.INTEGRITY_OFFICER, Role.TOWN_COMMISSION, Role.INSPECTOR]

POLICY = [
    (
        "低保怎么申请？一图读懂城乡最低生活保障",
        ["dibao"],
        "家庭人均收入低于当地低保标准、家庭财产符合规定的，可以申请低保。\n\n"
        "申请人向户籍所在地乡镇人民政府（街道办事处）提出书面申请，也可以委托村（居）民委员会代为提出。"
        "乡镇组织入户调查、村级民主评议，结果在村务公开栏公示七天，县民政局审批。\n\n"
        "低保金通过“一卡通”按月直接发放到户，任何人不得代领、截留。"
        "对公示名单有异议的，可以向乡镇或者县民政局反映，也可以在本平台“信访举报”中提出。",
    ),
    (
        "高龄津贴：八十岁以上老人按月领取",
        ["old_age_allowance"],
        "年满八十周岁的本县户籍老人，按年龄段按月领取高龄津贴，由村（社区）登记、乡镇审核、县民政局审批。\n\n"
        "老人去世后应当及时报告停发；家属继续领取的，须全额退回。",
    ),
    (
        "耕地地力保护补贴发放问答",
        ["farmland_protection"],
        "补贴对象是拥有耕地承包权的种地农民，补贴面积以确权面积为基础，按亩发放。\n\n"
        "改变用途、长年抛荒的耕地不再享受补贴。补贴发放前在村务公开栏公示，群众可以在本平台查询本人发放明细。",
    ),
]

CASES = [
    (
        "某镇某村原党支部书记冒领低保金被查处",
        "某村原党支部书记王某利用职务便利，将已外出务工、不符合条件的三名亲属纳入低保，"
        "冒领低保金共计2.16万元。王某受到党内严重警告处分，违规资金全部追缴并退回财政，"
        "三户低保被依规取消。\n\n"
        "警示：低保评审中优亲厚友，伤害的是真正困难的群众。村干部近亲属享受低保必须备案，评议时相关人员必须回避。",
    ),
    (
        "某村文书截留高龄津贴被处分",
        "某村文书李某在代为办理高龄津贴过程中，以“手续费”名义向六户老人收取费用共计1,800元。"
        "李某受到政务记过处分，所收费用全部清退返还群众。\n\n"
        "高龄津贴通过一卡通直接发放，任何人以任何名义收费都是违纪违法行为。",
    ),
    (
        "某镇农业服务中心工作人员虚报耕地面积套取补贴",
        "某镇农业服务中心工作人员张某在核定耕地地力保护补贴面积时，为亲属虚报耕地12.5亩，"
        "套取补贴资金共计3,125元。张某受到政务警告处分，违规资金全部追回。",
    ),
]

NOTICE = (
    "关于村干部学习《中国共产党纪律处分条例》的通知",
    "各村党组织：\n\n请各村党支部书记、村委会主任、村务监督委员会主任在月底前认真学习条例全文，"
    "重点学习第八章廉洁纪律和第九章群众纪律，并参加云考堂年度党纪法规知识测试。",
)


def _poster() -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 360), (180, 32, 36))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 616, 336), outline=(250, 220, 120), width=6)
    for i in range(8):
        draw.ellipse((60 + 66 * i, 150, 100 + 66 * i, 190), fill=(250, 220, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("poster.png", out.getvalue())


def _recording(seconds: int = 6) -> SimpleUploadedFile:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        frames = b"".join(
            struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * n / 8000)))
            for n in range(8000 * seconds)
        )
        sound.writeframes(frames)
    return SimpleUploadedFile("talk.wav", out.getvalue())


def _editor(made: DemoCounty, rng: random.Random) -> User:
    """A second account of the county commission: its publicity editor writes, the commission
    account reviews (nobody publishes their own article)."""
    editor = quiet_official(
        rng,
        username="county-editor",
        role=Role.COUNTY_COMMISSION,
        region=made.county,
        display_name="县纪委监委宣传部",
    )
    editor.save()
    return editor


def seed_learning(made: DemoCounty, rng: random.Random, accounts: dict[str, User]) -> int:
    """Returns how many articles are published."""
    county, department = accounts["county"], accounts["department"]
    editor = _editor(made, rng)
    now = timezone.now()
    published = 0

    def publish(article: Article, days_ago: int) -> None:
        nonlocal published
        learning.submit_for_review(article=article, actor=article.author)
        learning.review(
            article=article,
            actor=county,
            approve=True,
            now=now - datetime.timedelta(days=days_ago),
        )
        published += 1

    for i, (title, codes, body) in enumerate(POLICY):
        article = learning.save_article(
            actor=department,
            title=title,
            category=Category.POLICY,
            body=body,
            policy_items=list(SubsidyItem.objects.filter(code__in=codes)),
        )
        publish(article, 40 - 5 * i)
    for i, (title, body) in enumerate(CASES):
        article = learning.save_article(
            actor=editor, title=title, category=Category.CASE_NOTICE, body=body
        )
        publish(article, 30 - 7 * i)
    culture = learning.save_article(
        actor=editor,
        title="清风廉韵：平昌家风家训故事",
        category=Category.CULTURE,
        summary="听老党员讲家风家训（附录音）",
        body="好家风是立身之本。本期讲述老党员严于律己、教子清白做人的故事。",
        media=[
            (*learning.check_media(_poster()), "清风廉韵宣传画"),
            (*learning.check_media(_recording()), "家风故事（录音）"),
        ],
    )
    publish(culture, 12)
    notice = learning.save_article(
        actor=editor,
        title=NOTICE[0],
        category=Category.NOTICE,
        body=NOTICE[1],
        roles=list(OFFICIALS),
        required=True,
    )
    publish(notice, 10)
    # Most village and town officials have opened the notice; the demo's named accounts not.
    readers = User.objects.filter(role__in=OFFICIALS, username__contains="-")
    ArticleRead.objects.bulk_create(
        ArticleRead(
            article=notice,
            user=u,
            read_at=now - datetime.timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 12)),
        )
        for u in readers
        if rng.random() < 0.72
    )
    waiting = learning.save_article(
        actor=department,
        title="临时救助金申请指南",
        category=Category.POLICY,
        body="遭遇突发事件、意外伤害或者重大疾病，基本生活暂时出现严重困难的家庭，可以申请临时救助。",
        policy_items=list(SubsidyItem.objects.filter(code="temporary_assistance")),
    )
    learning.submit_for_review(article=waiting, actor=department)
    return published


def seed_talks(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> int:
    """Returns how many officials attended the past lecture."""
    county, town = accounts["county"], accounts["town"]
    now = timezone.now()
    past = talks.create_talk(
        actor=county,
        title="以案为鉴：惠民惠农资金领域典型案例剖析",
        kind=TalkKind.LECTURE,
        speaker="县纪委监委案件审理室主任",
        description="结合近年查处的典型案例，讲解一卡通资金管理中的风险点和纪律红线。",
        starts_at=now - datetime.timedelta(days=9, hours=3),
        duration=60,
        min_minutes=40,
        roles=list(OFFICIALS),
        recording=learning.check_media(_recording())[0],
        public=True,  # a public lecture: anyone may watch its recording
        now=now - datetime.timedelta(days=15),
    )
    audience = list(User.objects.filter(role__in=OFFICIALS, username__contains="-"))
    attended = 0
    rows = []
    for user in audience:
        if rng.random() < 0.78:
            minutes = rng.choice((12, 25, 41, 48, 55, 60, 60, 60))
            first = past.starts_at + datetime.timedelta(minutes=rng.randint(0, 5))
            done = minutes >= past.min_minutes
            attended += done
            rows.append(
                Attendance(
                    talk=past,
                    user=user,
                    seconds=minutes * 60,
                    first_at=first,
                    last_at=first + datetime.timedelta(minutes=minutes),
                    attended_at=first + datetime.timedelta(minutes=past.min_minutes)
                    if done
                    else None,
                )
            )
    Attendance.objects.bulk_create(rows)
    Registration.objects.bulk_create(
        Registration(
            talk=past, user=a.user, registered_at=past.starts_at - datetime.timedelta(days=2)
        )
        for a in rows
    )
    for text, answer in (
        (
            "村干部近亲属申请低保，评议时应当怎么回避？",
            "近亲属申请的，本人不参加评议和审核，并在乡镇备案。",
        ),
        (
            "发现一卡通被别人代管，应当向哪里反映？",
            "可以向乡镇纪委反映，也可以在平台“信访举报”匿名检举。",
        ),
    ):
        question = talks.ask(talk=past, user=rng.choice(audience), text=text, now=past.starts_at)
        question.status, question.answer = QuestionStatus.APPROVED, answer
        question.save(update_fields=["status", "answer"])
    TalkQuestion.objects.create(
        talk=past, user=rng.choice(audience), text="讲座的课件能否下载？", asked_at=past.starts_at
    )
    talks.record_minutes(
        talk=past,
        actor=county,
        minutes="讲座剖析了冒领低保金、截留高龄津贴等三起典型案例，提出了一卡通资金管理的五项要求。"
        "参会人员结合本村实际作了交流。",
    )
    talks.create_talk(
        actor=county,
        title="廉洁云课堂：读懂新修订的纪律处分条例",
        kind=TalkKind.LECTURE,
        speaker="县委党校讲师",
        starts_at=now - datetime.timedelta(minutes=10),
        duration=90,
        min_minutes=30,
        live_url="http://live.pingchang.intranet/ting/2",
        roles=list(OFFICIALS),
        now=now - datetime.timedelta(days=3),
    )
    upcoming = talks.create_talk(
        actor=town,
        title="佛楼镇村干部廉政座谈会",
        kind=TalkKind.DISCUSSION,
        speaker="佛楼镇纪委书记",
        starts_at=now + datetime.timedelta(days=5, hours=2),
        duration=60,
        min_minutes=40,
        live_url="http://live.pingchang.intranet/ting/3",
        regions=[made.towns["511923103000"]],
        now=now - datetime.timedelta(days=1),
    )
    for user in User.objects.filter(region__code__startswith="511923103", role__in=OFFICIALS)[:6]:
        talks.register(talk=upcoming, user=user)
    _reminders(made, rng, accounts, today)
    return attended


def _reminders(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> None:
    town = accounts["town"]
    cadres = list(
        User.objects.filter(role=Role.VILLAGE_CADRE, region__code__startswith="511923103")
        .exclude(username="cadre")
        .order_by("username")[:2]
    )
    for i, official in enumerate(cadres):
        talk = talks.record_reminder_talk(
            actor=town,
            official=official,
            held_on=today - datetime.timedelta(days=20 - 6 * i),
            topics="群众反映村务公开不及时、低保评议未按规定公示。",
            commitments=["一个月内补齐近三个季度的村务公开", "低保评议结果按规定公示七天"],
            deadline=today + datetime.timedelta(days=25),
        )
        if i == 0:
            talks.acknowledge(talk=talk, user=official)
    talks.record_reminder_talk(
        actor=town,
        official=accounts["cadre"],
        held_on=today - datetime.timedelta(days=2),
        topics="提醒严格执行村干部近亲属享受低保备案制度。",
        commitments=["本周内完成村干部近亲属低保备案"],
    )
