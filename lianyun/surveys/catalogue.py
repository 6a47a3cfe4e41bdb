"""The survey templates: the 12 indicators of the social evaluation survey (4 一级 × 3 二级, each
scored 1–10) and the short satisfaction rating for closed items and meetings.

Sichuan publishes two of the four 一级 indicators (腐败现象遏制度, 领导干部廉洁度) and example
questions; the other two groups and the wording below are ours, built from those examples.
A survey made from the template is a copy the county commission may edit before it launches.
"""

from django.utils.translation import gettext_lazy as _

# code → (一级 group, question text)
GROUPS = {
    "A": _("Strength of the fight against corruption"),
    "B": _("Containment of corruption (腐败现象遏制度)"),
    "C": _("Integrity of leading officials (领导干部廉洁度)"),
    "D": _("Confidence and overall view"),
}

INDICATORS = {
    "A1": _("Party committees and commissions carry out their duty to supervise"),
    "A2": _("Corruption and cases that harm villagers' interests are investigated and punished"),
    "A3": _("Subsidy and relief money is supervised so that it reaches the right people"),
    "B1": _("Corruption around you has become less common"),
    "B2": _("Village officials no longer favour relatives or ask for favours in return"),
    "B3": _("Power is exercised openly: accounts and decisions are published"),
    "C1": _("Leading officials of your town are honest and self-disciplined"),
    "C2": _("The eight-point rules are kept; formalism and extravagance are corrected"),
    "C3": _("Officials serve villagers promptly and fairly"),
    "D1": _("You are confident that corruption will be curbed"),
    "D2": _("Complaints and reports can be made and get an answer"),
    "D3": _("Overall, how do you rate the integrity of your town's officials"),
}

SATISFACTION_YES = "是"
SATISFACTION_PARTLY = "部分解决"
SATISFACTION_NO = "否"

SATISFACTION_QUESTIONS = [
    # (kind, text, choices, shown only if question #index got this choice)
    ("scale", _("How satisfied are you with how this was handled?"), [], None),
    (
        "single",
        _("Was the problem solved?"),
        [SATISFACTION_YES, SATISFACTION_PARTLY, SATISFACTION_NO],
        None,
    ),
    ("text", _("What is still wrong?"), [], (1, SATISFACTION_NO)),
]
