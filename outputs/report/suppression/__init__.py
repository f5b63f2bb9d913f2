"""Statistical disclosure control for published outputs (MEASURES.md "Suppression", DOMAIN.md 4.11).

Internal marts keep true values. Everything published (the committee report's tables, the data behind
its charts, the CSV files for publication) goes through here.

Primary suppression: a count of 1 to 5 is replaced by [c], and so is every value derived from one (a
percentage, an average, a RAG, a per-child cost); zero stays zero.

Secondary suppression: the rule
-------------------------------
A reader who sees a total and some of its parts knows what the withheld parts add up to. Each withheld
count is a whole number of at least 1 (zero is shown as 0, and the reader is even granted every zero
withheld with its row), so the reader can bound each withheld part:

    withheld part  <=  total - the shown parts - 1 for each other withheld part
    withheld part  >=  total - the shown parts - the other withheld parts' upper bounds

The reader does this for every sum the publication shows: breakdown to total (pathways to the waiting
list, REC groups to children ceasing care, budget lines or placement types to the number looked
after, services to the edge-of-care totals), line to group to total (key activity data), a list to
those waiting over and under 18 weeks, urgent and routine starts to the eating-disorder pathway's
starts. The reader also uses the bounds that follow from what the figures are: a numerator is part of
its denominator; starts within 1 or 4 weeks are among those within 18. A figure shown in two places
counts once (the CAMHS list by pathway in the CSV, the scorecard and the chart; a budget line's LAC
count and its KAD snapshot when they agree). The reader repeats this until nothing narrows (interval
arithmetic). A withheld count is disclosed when the reader's upper bound for it is 5 or less: it is
then known to be 1 to 5.

    The rule: no withheld count may be bounded above by 5.

For one group under a shown total it reads: either no count in the group is withheld, or the k
withheld non-zero counts add up to at least k + 5. One withheld count never passes (it is the total
minus the rest); two 1s do not (2 over two cells: each is 1); a 2 and a 4 do not (each at most 5); a 3
and a 4 do (each at most 6); a 1 and a 14 do. Where cells sit in several sums the rule is checked on
all of them at once, so a bound found through one sum is used in the next.

When the rule fails we withhold, in the sum that bounds the disclosed count most tightly, its smallest
shown non-zero part (a zero would not help: the reader knows it), or its total when no part is left;
if that sum has nothing left to withhold, the sums around its other withheld cells in turn (a lone
small line under its group opens the total above the group). Then we check again, until the rule
holds everywhere. Each step withholds a count of at least 6, which lifts the bound by at least 5, so
few steps are needed. Cells of one row are withheld together: a pathway's list, over and under 18
weeks; a key-activity line's placements, average and what derives from them; the scorecard rows that
show the same children. If a sum cannot be protected here (its total is published elsewhere and
everything else is withheld already), DisclosureError is raised rather than anything published.

Two cases where a breakdown does not simply add up: parts that add up to more than the total (a child
in two edge-of-care services) are treated as if they added up, so a reader who assumes so learns
nothing either; parts that add up to less (a breakdown present last month but not this month, so its
previous figure is not shown) leave an unseen part, which is protected like any other.

The package: cells.py (the symbols and primary suppression), reader.py (the reader's interval
arithmetic and the search for secondary cells), tables.py (the published tables' shapes), scorecard.py
(the indicator table, several indicators sharing counts).
"""

from outputs.report.suppression.cells import (
    LARGEST,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SMALLEST,
    SUPPRESSED,
    DisclosureError,
    any_small,
    is_small,
    publish_cells,
)
from outputs.report.suppression.scorecard import scorecard_flags
from outputs.report.suppression.tables import (
    OVER_COLUMNS,
    camhs_hidden_pathways,
    key_activity_flags,
    waiting_list_flags,
    with_secondary,
)

__all__ = [
    "LARGEST",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "OVER_COLUMNS",
    "SMALLEST",
    "SUPPRESSED",
    "DisclosureError",
    "any_small",
    "camhs_hidden_pathways",
    "is_small",
    "key_activity_flags",
    "publish_cells",
    "scorecard_flags",
    "waiting_list_flags",
    "with_secondary",
]
