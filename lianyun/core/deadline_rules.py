"""Statutory time limits (docs/domain.md §2, §3). Apps take their rules from here by code."""

from django.utils.translation import gettext_lazy as _

from lianyun.core.deadlines import DeadlineRule, PeriodUnit

RULES: dict[str, DeadlineRule] = {
    rule.code: rule
    for rule in [
        # 村务公开 (docs/domain.md §4.2, art. 13 and 16 of the provincial regulations)
        DeadlineRule(
            "disclosure_posting", 5, PeriodUnit.DAYS, _("Village Affairs Disclosure art. 13")
        ),
        DeadlineRule(
            "disclosure_objection", 5, PeriodUnit.DAYS, _("Village Affairs Disclosure art. 16")
        ),
        # 《信访工作条例》 (2022)
        DeadlineRule(
            "petition_disposal", 15, PeriodUnit.DAYS, _("Petition Work Regulations art. 22")
        ),
        DeadlineRule(
            "petition_notice", 15, PeriodUnit.DAYS, _("Petition Work Regulations art. 23")
        ),
        DeadlineRule(
            "petition_remit_objection",
            5,
            PeriodUnit.WORKING_DAYS,
            _("Petition Work Regulations art. 23"),
        ),
        DeadlineRule(
            "petition_conclusion", 60, PeriodUnit.DAYS, _("Petition Work Regulations art. 34")
        ),
        DeadlineRule(
            "petition_extension", 30, PeriodUnit.DAYS, _("Petition Work Regulations art. 34")
        ),
        DeadlineRule("review_request", 30, PeriodUnit.DAYS, _("Petition Work Regulations art. 35")),
        DeadlineRule("review_answer", 30, PeriodUnit.DAYS, _("Petition Work Regulations art. 35")),
        DeadlineRule(
            "recheck_request", 30, PeriodUnit.DAYS, _("Petition Work Regulations art. 36")
        ),
        DeadlineRule("recheck_answer", 30, PeriodUnit.DAYS, _("Petition Work Regulations art. 36")),
        # 《纪检监察机关处理检举控告工作规则》 (2020)
        DeadlineRule(
            "accusation_forward",
            5,
            PeriodUnit.WORKING_DAYS,
            _("Accusation Handling Rules art. 15-16"),
        ),
        DeadlineRule(
            "accusation_named_notice",
            15,
            PeriodUnit.WORKING_DAYS,
            _("Accusation Handling Rules, named reports"),
        ),
        DeadlineRule(
            "accusation_feedback",
            15,
            PeriodUnit.WORKING_DAYS,
            _("Accusation Handling Rules, named reports"),
        ),
        DeadlineRule("letter_reply", 15, PeriodUnit.WORKING_DAYS, _("inquiry letter reply")),
        # 《最低生活保障审核确认办法》 (2021)
        DeadlineRule(
            "dibao_county_decision", 10, PeriodUnit.WORKING_DAYS, _("Dibao Review Measures art. 20")
        ),
    ]
}
