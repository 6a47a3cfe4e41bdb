"""The platform's functions as the home page lists them, and whether each works yet."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Function:
    code: str
    glyph: str  # one character on the tile
    title: str | Promise
    summary: str | Promise
    available: bool
    officials_only: bool = False
    url_name: str = ""  # where an available function lives


FUNCTIONS = [
    Function(
        "learning",
        "学",
        _("Publicity and education"),
        _("Policy explanations and case notices"),
        available=True,
        url_name="learning:article-list",
    ),
    Function(
        "surveys",
        "评",
        _("Opinion surveys"),
        _("Rate your town, units and officials"),
        available=True,
        url_name="surveys:survey-list",
    ),
    Function(
        "petitions",
        "信",
        _("Petitions and reports"),
        _("Suggest, request or report, named or anonymous"),
        available=True,
        url_name="petitions:petition-start",
    ),
    Function(
        "ledger",
        "账",
        _("Public affairs"),
        _("Subsidy policies, your payouts, village boards"),
        available=True,
        url_name="policies:subsidyitem-list",
    ),
    Function(
        "inquiries",
        "问",
        _("Sunshine inquiry"),
        _("Ask a named official in public"),
        available=True,
        url_name="inquiries:inquiry-list",
    ),
    Function(
        "talks",
        "谈",
        _("Online integrity talks"),
        _("Talks and lectures on integrity"),
        available=True,
        url_name="talks:talk-list",
    ),
    Function(
        "exams",
        "考",
        _("Exam hall"),
        _("Discipline exams for officials"),
        available=True,
        url_name="exams:exam-list",
    ),
    Function(
        "inspections",
        "巡",
        _("Village inspection"),
        _("Inspection visits and monthly reports"),
        available=True,
        officials_only=True,
        url_name="inspections:group-list",
    ),
]
