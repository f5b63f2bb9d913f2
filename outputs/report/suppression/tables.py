"""Secondary suppression for the published tables' shapes: breakdowns under a total, key activity data
beside LAC by placement, the CAMHS waiting list by pathway."""

from __future__ import annotations

import pandas as pd

from outputs.report.suppression.cells import is_small
from outputs.report.suppression.reader import Sums


def with_secondary(frame: pd.DataFrame, primary: pd.Series, groups: list[str], size: str | list[str]) -> pd.Series:
    """Flags for rows to withhold, where the rows of each group add up to a total published elsewhere.

    `groups` names the columns whose rows add up to a published total; `size` is the column (or
    columns, withheld together per row) holding the counts. The total counts as shown unless it is
    itself 1 to 5; if a group cannot be protected without withholding it, DisclosureError.
    """
    sizes = [size] if isinstance(size, str) else list(size)
    flags = primary.copy()
    for _, members in frame.groupby(groups, dropna=False, sort=False):
        sums = Sums()
        for column in sizes:
            values = pd.to_numeric(members[column], errors="coerce").fillna(0.0)
            real = not all(float(v).is_integer() for v in values)
            total = ("total", column)
            sums.cell(total, values.sum(), bundle="total", real=real)
            for position, value in enumerate(values):
                sums.cell((position, column), value, bundle=position, real=real)
            sums.add_sum(total, [(position, column) for position in range(len(values))])
        sums.fixed.add("total")
        positions = dict(enumerate(members.index))
        primary_bundles = {p for p, index in positions.items() if flags[index]}
        if any(is_small(sums.values[("total", column)]) for column in sizes):
            primary_bundles.add("total")  # withheld wherever it is published
        for bundle in sums.protect(primary_bundles):
            if bundle in positions:
                flags[positions[bundle]] = True
    return flags


def key_activity_flags(
    kad: pd.DataFrame, kad_primary: pd.Series, lines: pd.DataFrame, lines_primary: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """(KAD flags, LAC flags) for the month's key activity data and children looked after by placement.

    `kad` has one row per line, group and total (row_type, service_type, snapshot_placements,
    yearly_average_placements) and sums_into, the service_type of the row each adds up to (a line its
    group, a group the total), all shown; `lines` has breakdown_type, breakdown_value and children, each
    breakdown type adding up to the number looked after (published in the scorecard). A budget line
    whose LAC count equals its KAD snapshot is one figure to a reader (DOMAIN.md 4.7: a child's
    finance commitment decides the line), so it is shown in both tables or withheld in both.
    """
    # Keys are labels, not row positions: the chart's month and the CSV must get the same answer.
    sums = Sums()
    columns = ["snapshot_placements", "yearly_average_placements"]
    label = dict(zip(kad.index, kad["service_type"], strict=True))
    for column in columns:
        values = pd.to_numeric(kad[column], errors="coerce").fillna(0.0)
        real = not all(float(v).is_integer() for v in values)
        for index, value in values.items():
            sums.cell(("kad", label[index], column), value, bundle=("kad", label[index]), real=real)
    kad_lines = set(kad.loc[kad["row_type"] == "line", "service_type"])
    # A linked LAC line is the KAD snapshot cell itself, in the KAD row's bundle.
    lac_key = {}
    children = pd.to_numeric(lines["children"], errors="coerce").fillna(0.0)
    for index, row in lines.iterrows():
        line = row["breakdown_value"]
        if (
            row["breakdown_type"] == "budget_line"
            and line in kad_lines
            and sums.values[("kad", line, "snapshot_placements")] == children[index]
        ):
            lac_key[index] = ("kad", line, "snapshot_placements")
        else:
            lac_key[index] = ("lac", row["breakdown_type"], line)
            sums.cell(lac_key[index], children[index])
    for column in columns:
        for parent, rows in kad.groupby("sums_into", sort=False):
            if parent in label.values():
                sums.add_sum(("kad", parent, column), [("kad", label[index], column) for index in rows.index])
    breakdowns = [[lac_key[index] for index in rows.index] for _, rows in lines.groupby("breakdown_type", sort=True)]
    sums.cell("looked after", sum(sums.values[p] for p in breakdowns[0]) if breakdowns else 0.0, bundle="looked after")
    sums.fixed.add("looked after")
    for parts in breakdowns:
        sums.add_sum("looked after", parts)
    primary = {("kad", label[index]) for index in kad.index if kad_primary[index]}
    primary |= {sums.bundles[lac_key[index]] for index in lines.index if lines_primary[index]}
    if is_small(sums.values["looked after"]):
        primary.add("looked after")
    withheld = sums.protect(primary)
    kad_flags = pd.Series([("kad", label[index]) in withheld for index in kad.index], index=kad.index, dtype=bool)
    lac_flags = pd.Series(
        [sums.bundles[lac_key[index]] in withheld for index in lines.index], index=lines.index, dtype=bool
    )
    return kad_flags | kad_primary, lac_flags | lines_primary


# The over-N-weeks counts the report publishes anywhere (scorecard, CSV, chart), in threshold order: the
# staged targets' 12 and 26 weeks and the 18-week standard. Every place that shows a week's list decides its
# withheld pathways from all of them, so the same week gives the same answer. The paper's over 27 weeks stays
# in the mart: beside over 26 it would publish the one-week band between them, small in most weeks.
OVER_COLUMNS = ("waiting_over_12w", "waiting_over_18w", "waiting_over_26w")


def waiting_list_flags(
    frame: pd.DataFrame,
    by: list[str],
    pathway: str = "pathway",
    total: str = "ALL",
    waiting: str = "waiting_list",
    overs: tuple[str, ...] = OVER_COLUMNS,
) -> pd.Series:
    """Flags for rows of a waiting list by pathway, each with its list and its over-N-weeks counts.

    Per `by` group (a week): pathways add up to the `total` row (which need not be in the frame: it is
    published elsewhere, and is withheld only as a last resort), and each list is those waiting over
    plus those waiting under N weeks (published as a percentage for 18). Every one is a count of
    children; a row is withheld whole. The same week gives the same answer wherever it is shown.
    """
    flags = pd.Series(False, index=frame.index)
    for _, members in frame.groupby(by, sort=False):
        hidden = camhs_hidden_pathways(
            {row[pathway]: (row[waiting], *(row[o] for o in overs)) for _, row in members.iterrows()}, total
        )
        flags.loc[members.index] = members[pathway].isin(hidden).to_numpy()
    return flags


def camhs_hidden_pathways(lists: dict, total: str = "ALL") -> set:
    """The pathways (and possibly `total`) to withhold, from {pathway: (waiting list, over N1 weeks, over N2
    weeks, ...)}, thresholds ascending. Between two thresholds lies a band (over N1 minus over N2) that
    showing both reveals, so each band is a count of children too."""

    def number(value) -> float:
        return 0.0 if pd.isna(value) else float(value)

    counts = {p: tuple(number(v) for v in values) for p, values in lists.items()}
    pathways = sorted(p for p in counts if p != total)
    width = len(next(iter(counts.values()), (0.0, 0.0)))
    if total not in counts:
        counts[total] = tuple(sum(counts[p][i] for p in pathways) for i in range(width))
    sums = Sums()
    names = ["list"]
    for p in [*pathways, total]:
        waiting, *overs = counts[p]
        sums.cell(("list", p), waiting, bundle=p)
        for i, over in enumerate(overs):
            sums.cell(("over", i, p), over, bundle=p)
            sums.cell(("under", i, p), waiting - over, bundle=p)
            if i + 1 < len(overs):
                sums.cell(("band", i, p), over - overs[i + 1], bundle=p)
    for i in range(width - 1):
        names += [("over", i), ("under", i)] + ([("band", i)] if i + 2 < width else [])
    for name in names:
        parts = name if isinstance(name, tuple) else (name,)
        sums.add_sum((*parts, total), [(*parts, p) for p in pathways])
    for p in [*pathways, total]:
        for i in range(width - 1):
            sums.add_sum(("list", p), [("over", i, p), ("under", i, p)])
            if i + 2 < width:
                sums.add_sum(("over", i, p), [("band", i, p), ("over", i + 1, p)])
    primary = {p for p in [*pathways, total] if any(is_small(v) for k, v in sums.values.items() if k[-1] == p)}
    return sums.protect(primary)


# ---------------------------------------------------------------------------------------------
