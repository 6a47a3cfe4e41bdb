"""Publishing a village's payout board and its 低保 list to the publication record."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.ledger.queries import (
    Board,
    board_payload,
    dibao_list,
    dibao_payload,
    dibao_subject,
    village_board,
)
from lianyun.publications.actions import batch, canonical, publish
from lianyun.publications.models import Entry, EntryKind
from lianyun.regions.models import Region


def _publish_page(
    *, kind: EntryKind, subject: str, title: str, payload: dict[str, Any], actor: User | None
) -> tuple[Entry, bool]:
    """Put a public page into the publication chain. (entry, new?)

    Publishing the same content again adds nothing; different content for the same subject is a
    correction pointing at what it replaces.
    """
    previous = Entry.objects.filter(kind=kind, subject=subject).order_by("-index").first()
    if previous is not None and previous.payload == canonical(payload):
        return previous, False
    entry = publish(
        kind=kind, subject=subject, title=title, payload=payload, actor=actor, corrects=previous
    )
    return entry, True


@transaction.atomic
def publish_board(*, board: Board, actor: User | None) -> tuple[Entry, bool]:
    """A village's payout board for its periods, names masked."""
    return _publish_page(
        kind=EntryKind.VILLAGE_BOARD,
        subject=f"{board.village.code}:{board.first}:{board.last}",
        title=_("%(village)s payout board %(first)s to %(last)s")
        % {"village": board.village.name, "first": board.first, "last": board.last},
        payload=board_payload(board),
        actor=actor,
    )


def publish_boards(
    *, villages: list[Region], first: str, last: str, actor: User | None
) -> tuple[int, int]:
    """Every village's whole board for the periods, under one signed checkpoint (a month's
    boards for a town's or the county's villages). (published, unchanged)"""
    published = unchanged = 0
    with batch():
        for village in villages:
            _entry, new = publish_board(board=village_board(village, first, last), actor=actor)
            published, unchanged = published + new, unchanged + (not new)
    return published, unchanged


@transaction.atomic
def publish_dibao(*, village: Region, period: str, actor: User | None) -> tuple[Entry, bool]:
    """A village's 低保 list for a month: masked name, household size, amount, category."""
    return _publish_page(
        kind=EntryKind.DIBAO_LIST,
        subject=dibao_subject(village, period),
        title=_("%(village)s 低保 list %(period)s") % {"village": village.name, "period": period},
        payload=dibao_payload(village, period, dibao_list(village, period)),
        actor=actor,
    )
