"""What the payout import's modules share."""

from collections.abc import Callable

# Called with a phase and a count of rows: "checking" (so many more rows checked), "writing"
# (so many more rows written and committed; on PostgreSQL new months' rows are written while
# the file is still being checked) and, once, "checked" (the check is over: the rows read).
Progress = Callable[[str, int], None]
