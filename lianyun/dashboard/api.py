"""Open statistics as JSON: the public page's table, small counts given as null."""

from django.http import HttpRequest
from ninja import Router, Schema

from lianyun.dashboard import public

router = Router(tags=["statistics"])


class MonthOut(Schema):
    town_code: str
    town: str
    month: str
    petitions: int | None
    accusations: int | None
    petitions_ended: int | None
    items_registered: int | None
    items_closed_out: int | None
    meetings: int | None
    demands: int | None
    demands_solved: int | None
    funds_returned: str | None


class TownIndexOut(Schema):
    town_code: str
    town: str
    index: float | None


class StatisticsOut(Schema):
    min_count: int
    months: list[MonthOut]
    social_evaluation_index: list[TownIndexOut]


@router.get("/statistics", response=StatisticsOut, summary="Open monthly statistics per town")
def statistics(request: HttpRequest) -> dict[str, object]:
    """Per town and finished month (newest first): petitions received, accusations among them
    and petitions ended; public rectification items registered and closed out; inquiry meetings
    held, their demands, the demands solved and the money returned to villagers on them. A
    count above zero and below `min_count` is null, and so is the money resting on it. With
    them, each town's social evaluation index from the latest closed yearly survey."""
    return {
        "min_count": public.threshold(),
        "months": [
            {"town_code": r.town.code, "town": r.town.name, "month": r.month, **r.values}
            for r in public.monthly()
        ],
        "social_evaluation_index": [
            {"town_code": town.code, "town": town.name, "index": value}
            for town, value in public.survey_index()
        ],
    }
