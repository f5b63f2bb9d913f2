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
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

SUPPRESSED = "[c]"  # DfE: confidential
NOT_APPLICABLE = "[z]"  # DfE: not applicable (no target, say)
NOT_AVAILABLE = "[x]"  # DfE: not available
SMALLEST, LARGEST = 1, 5
_EPS = 1e-9


class DisclosureError(RuntimeError):
    """A published table cannot be protected by withholding more of its own cells."""


def is_small(count) -> bool:
    """A count of people that would identify someone if published: 1 to 5."""
    if count is None or (isinstance(count, float) and math.isnan(count)) or pd.isna(count):
        return False
    return SMALLEST <= float(count) <= LARGEST


def any_small(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Rows where any of `columns` holds a count of 1 to 5."""
    flags = pd.Series(False, index=frame.index)
    for column in columns:
        flags |= frame[column].map(is_small)
    return flags


def publish_cells(frame: pd.DataFrame, flags: pd.Series, columns: list[str]) -> pd.DataFrame:
    """A copy with `columns` replaced by [c] on flagged rows (as text)."""
    published = frame.copy()
    for column in columns:
        published[column] = published[column].astype(object)
        published.loc[flags, column] = SUPPRESSED
    return published


# ---------------------------------------------------------------------------------------------
# The reader's arithmetic and the search for secondary cells.


@dataclass
class Sums:
    """Figures that add up, as one published table (or several showing the same figures) shows them.

    Every cell has its true value and a bundle (the cells withheld together, usually a row); `sums`
    holds (total, parts, exact): total = sum of parts, or total >= sum of parts when not exact.
    Protected cells are counts that must not be bounded to 1-5; real cells are not whole numbers (a
    yearly average of placements); a fixed bundle is published elsewhere and cannot be withheld here;
    unpublished cells (the rest of a total its listed parts do not reach) are never shown.
    """

    values: dict = field(default_factory=dict)
    bundles: dict = field(default_factory=dict)
    protected: set = field(default_factory=set)
    real: set = field(default_factory=set)
    fixed: set = field(default_factory=set)
    unpublished: set = field(default_factory=set)
    sums: list = field(default_factory=list)

    def cell(self, key, value, bundle=None, protected: bool = True, real: bool = False) -> None:
        value = 0.0 if value is None or pd.isna(value) else float(value)
        self.values[key] = value
        self.bundles[key] = key if bundle is None else bundle
        if protected:
            self.protected.add(key)
        if real:
            self.real.add(key)

    def add_sum(self, total, parts: Iterable) -> None:
        """total = sum(parts). Parts adding up to less than the total get the rest as an unseen part."""
        parts = [p for p in parts if p != total]
        if not parts:
            return
        rest = self.values[total] - sum(self.values[p] for p in parts)
        if rest > _EPS:
            unseen = ("unseen part of", total)
            self.cell(unseen, rest, bundle=unseen, real=total in self.real)
            self.fixed.add(unseen)
            self.unpublished.add(unseen)
            parts.append(unseen)
        self.sums.append((total, tuple(parts), True))

    def add_at_least(self, total, parts: Iterable) -> None:
        """total >= sum(parts): a numerator within its denominator, starts within 1 or 4 weeks among
        those within 18."""
        parts = [p for p in parts if p != total]
        if parts:
            self.sums.append((total, tuple(parts), False))

    def hidden_keys(self, hidden_bundles: set) -> set:
        hidden_bundles = set(hidden_bundles) | self.unpublished
        return {key for key, bundle in self.bundles.items() if bundle in hidden_bundles}

    def bounds(self, hidden: set) -> tuple[dict, dict]:
        """The reader's interval for every cell when the cells in `hidden` are withheld."""
        lo, hi = {}, {}
        for key, value in self.values.items():
            if key not in hidden or value == 0:
                lo[key] = hi[key] = value  # shown, or a zero (the reader is granted every zero)
            else:
                lo[key], hi[key] = (0.0 if key in self.real else 1.0), math.inf
        derived = self._withheld_sums(hidden)
        for _ in range(200):
            changed = False
            for cells, rest in derived:
                lows = sum(lo[c] for c in cells)
                highs = sum(hi[c] for c in cells)
                for cell in cells:
                    others_hi = _without(highs, hi[cell], [hi[c] for c in cells if c != cell])
                    changed |= self._narrow(cell, rest - others_hi, rest - (lows - lo[cell]), lo, hi)
            for total, parts, exact in self.sums:
                lows = sum(lo[p] for p in parts)
                highs = sum(hi[p] for p in parts)
                if total in hidden:
                    changed |= self._narrow(total, lows, highs if exact else math.inf, lo, hi)
                for part in parts:
                    if part not in hidden:
                        continue
                    others_lo = lows - lo[part]
                    others_hi = _without(highs, hi[part], [hi[p] for p in parts if p != part])
                    changed |= self._narrow(
                        part, lo[total] - others_hi if exact else -math.inf, hi[total] - others_lo, lo, hi
                    )
            if not changed:
                break
        return lo, hi

    def _withheld_sums(self, hidden: set, limit: int = 400) -> list[tuple[frozenset, float]]:
        """What the withheld cells add up to, as (cells, sum) pairs: from each sum with a known total,
        with a withheld subtotal replaced by its own parts, and one such sum taken from another whose
        cells include its cells (their difference is a sum over the rest)."""
        unknown = {key for key in hidden if self.values[key] != 0}
        exact = [(total, parts) for total, parts, is_exact in self.sums if is_exact]
        parts_of = {total: parts for total, parts in exact if total in unknown}
        found: dict[frozenset, float] = {}
        queue = []
        for total, parts in exact:
            if total not in unknown:
                queue.append(
                    (
                        {p for p in parts if p in unknown},
                        self.values[total] - sum(self.values[p] for p in parts if p not in unknown),
                    )
                )
        while queue and len(found) < limit:
            cells, rest = queue.pop()
            cells = frozenset(cells)
            if not cells or cells in found:
                continue
            found[cells] = rest
            for cell in cells & parts_of.keys():  # a withheld subtotal: use its parts instead
                parts = parts_of[cell]
                queue.append(
                    (
                        (cells - {cell}) | {p for p in parts if p in unknown},
                        rest - sum(self.values[p] for p in parts if p not in unknown),
                    )
                )
            for other, other_rest in list(found.items()):
                if other < cells:
                    queue.append((cells - other, rest - other_rest))
                elif cells < other:
                    queue.append((other - cells, other_rest - rest))
        return list(found.items())

    def _narrow(self, key, new_lo, new_hi, lo, hi) -> bool:
        if key not in self.real:
            new_lo = new_lo if math.isinf(new_lo) else math.ceil(new_lo - _EPS)
            new_hi = new_hi if math.isinf(new_hi) else math.floor(new_hi + _EPS)
        changed = False
        if new_lo > lo[key] + _EPS:
            lo[key], changed = new_lo, True
        if new_hi < hi[key] - _EPS:
            hi[key], changed = new_hi, True
        return changed

    def disclosed(self, hidden_bundles: set) -> list:
        """Withheld non-zero protected cells the reader can bound by 5, in a fixed order."""
        hidden = self.hidden_keys(hidden_bundles)
        _, hi = self.bounds(hidden)
        return sorted(
            (key for key in hidden & self.protected if self.values[key] > 0 and hi[key] <= LARGEST + _EPS), key=repr
        )

    def protect(self, primary: Iterable) -> set:
        """The bundles to withhold: `primary` and as few more as the rule needs (see the module docstring)."""
        withheld = set(primary)
        for _ in range(len(set(self.bundles.values())) + 1):
            leaks = self.disclosed(withheld)
            if not leaks:
                return withheld
            withheld.add(self._next_bundle(leaks[0], withheld))
        raise DisclosureError("secondary suppression did not settle")  # pragma: no cover

    def _next_bundle(self, leak, withheld: set, tries: int = 12):
        """The bundle to withhold next for `leak`.

        Candidates, in order: the smallest shown non-zero part (else the total) of the sum that bounds
        `leak` most tightly, then of the next; when a sum has nothing left, the sums around its other
        withheld cells (a lone small line under its group opens the total above the group). The first
        candidate that lifts the bound on `leak` above 5 is taken, else the first.
        """
        hidden = self.hidden_keys(withheld)
        lo, hi = self.bounds(hidden)
        candidates: list = []
        frontier, reached, used = [leak], {leak}, set()
        while frontier:
            binding = []
            for key in frontier:
                for number, (total, parts, exact) in enumerate(self.sums):
                    if number in used:
                        continue
                    if key == total and exact:
                        tightness = sum(hi[p] for p in parts)
                    elif key in parts:
                        tightness = hi[total] - sum(lo[p] for p in parts if p != key)
                    else:
                        continue
                    binding.append((tightness, number))
            frontier = []
            for _, number in sorted(binding):
                if number in used:
                    continue
                used.add(number)
                total, parts, _ = self.sums[number]
                shown = sorted(
                    (p for p in parts if self._can_withhold(p, hidden)), key=lambda p: (self.values[p], repr(p))
                )
                if self._can_withhold(total, hidden):
                    shown.append(total)
                candidates += [self.bundles[p] for p in shown if self.bundles[p] not in candidates]
                for key in (total, *parts):
                    if key in hidden and key not in reached:
                        reached.add(key)
                        frontier.append(key)
        if not candidates:
            raise DisclosureError(f"{leak!r} can be worked out to 1-5 and nothing is left to withhold beside it")
        for bundle in candidates[:tries]:
            if self.bounds(self.hidden_keys(withheld | {bundle}))[1][leak] > LARGEST + _EPS:
                return bundle
        return candidates[0]

    def _can_withhold(self, key, hidden: set) -> bool:
        return key not in hidden and self.values[key] > 0 and self.bundles[key] not in self.fixed


def _without(total: float, value: float, others: list[float]) -> float:
    """sum(others) given total = sum(others) + value (inf-safe)."""
    if math.isinf(total):
        return math.inf if any(math.isinf(o) for o in others) else sum(others)
    return total - value


# ---------------------------------------------------------------------------------------------
# The published tables' shapes.


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


def waiting_list_flags(
    frame: pd.DataFrame,
    by: list[str],
    pathway: str = "pathway",
    total: str = "ALL",
    waiting: str = "waiting_list",
    over: str = "waiting_over_18w",
) -> pd.Series:
    """Flags for rows of a waiting list by pathway, each with its list and its over-18-weeks count.

    Per `by` group (a week): pathways add up to the `total` row (which need not be in the frame: it is
    published elsewhere, and is withheld only as a last resort), and each list is those waiting over
    plus those waiting under 18 weeks (published as a percentage). Every one of the three is a count
    of children; a row is withheld whole. The same week gives the same answer wherever it is shown.
    """
    flags = pd.Series(False, index=frame.index)
    for _, members in frame.groupby(by, sort=False):
        hidden = camhs_hidden_pathways(
            {row[pathway]: (row[waiting], row[over]) for _, row in members.iterrows()}, total
        )
        flags.loc[members.index] = members[pathway].isin(hidden).to_numpy()
    return flags


def camhs_hidden_pathways(lists: dict, total: str = "ALL") -> set:
    """The pathways (and possibly `total`) to withhold, from {pathway: (waiting list, waiting over 18 weeks)}."""
    counts = {p: (0.0 if pd.isna(w) else float(w), 0.0 if pd.isna(o) else float(o)) for p, (w, o) in lists.items()}
    pathways = sorted(p for p in counts if p != total)
    if total not in counts:
        counts[total] = (sum(counts[p][0] for p in pathways), sum(counts[p][1] for p in pathways))
    sums = Sums()
    for p in [*pathways, total]:
        waiting, over = counts[p]
        sums.cell(("list", p), waiting, bundle=p)
        sums.cell(("over", p), over, bundle=p)
        sums.cell(("under", p), waiting - over, bundle=p)
    for name in ("list", "over", "under"):
        sums.add_sum((name, total), [(name, p) for p in pathways])
    for p in [*pathways, total]:
        sums.add_sum(("list", p), [("over", p), ("under", p)])
    primary = {
        p for p in [*pathways, total] if any(is_small(sums.values[(name, p)]) for name in ("list", "over", "under"))
    }
    return sums.protect(primary)


# ---------------------------------------------------------------------------------------------
# The scorecard: one row per indicator and breakdown, several indicators sharing counts.

# The counts behind each indicator's numerator and denominator (MEASURES.md). Indicators naming the
# same count show the same children and are withheld together; None: not a count of people (days,
# population, a planned list). Indicators not listed have counts of their own.
SCORECARD_COUNTS = {
    "lac_count": ("looked_after", None),
    "lac_rate_per_10k": ("looked_after", None),
    "cp_count": ("child_protection", None),
    "cp_rate_per_10k": ("child_protection", None),
    "lac_ceased": ("ceased", None),
    "avg_days_in_care_ceased": (None, "ceased"),
    "camhs_waiting_list": ("camhs_list", None),
    "camhs_waiting_over_18w": ("camhs_over", "camhs_list"),
    "camhs_pct_waiting_under_18w": ("camhs_under", "camhs_list"),
    "camhs_trajectory_gap": ("camhs_list", None),
    "camhs_pct_treated_within_18w": ("camhs_treated_18w", "camhs_treated"),
    "camhs_ed_urgent_1w_pct": ("ed_urgent_1w", "ed_urgent"),
    "camhs_ed_routine_4w_pct": ("ed_routine_4w", "ed_routine"),
    "camhs_median_wait_assessment_weeks": (None, "camhs_first_contacts"),
    "placements_forecast_variance_gbp": (None, None),
}
CAMHS_LIST = ("camhs_waiting_list", "camhs_waiting_over_18w", "camhs_pct_waiting_under_18w", "camhs_trajectory_gap")
# Urgent and routine are the eating-disorder pathway's only priorities (seeds/reference/camhs_priority).
ED_PATHWAY = "EATING_DISORDER"


def scorecard_flags(frame: pd.DataFrame, current: pd.Series, previous: pd.Series | None = None):
    """(current, previous) flags for scorecard rows, given their primary flags.

    The frame has one row per indicator, period and breakdown (indicator_code, period_end,
    breakdown_type, breakdown_value, numerator, denominator) and, for the previous period,
    previous_numerator and previous_denominator. Breakdowns add up to the indicator's 'all' row; the
    CAMHS waiting-list indicators follow camhs_hidden_pathways (the CSV and the chart show the same
    week); urgent and routine eating-disorder starts add up to the pathway's starts.
    """
    current = _scorecard_side(frame, current, "period_end", "numerator", "denominator")
    if previous is not None and "previous_numerator" in frame:
        day = "previous_period_end" if "previous_period_end" in frame else "period_end"
        previous = _scorecard_side(frame, previous, day, "previous_numerator", "previous_denominator")
    return current, previous


def _scorecard_side(frame, primary, day, numerator, denominator) -> pd.Series:
    flags = primary.copy()
    for _, rows in frame.groupby(frame[day].astype(str), sort=False):
        camhs = rows["indicator_code"].isin(CAMHS_LIST)
        flags |= _camhs_rows(rows.loc[camhs], numerator).reindex(frame.index, fill_value=False)
        flags |= _other_rows(rows.loc[~camhs], flags, numerator, denominator).reindex(frame.index, fill_value=False)
    return flags


def _camhs_rows(rows: pd.DataFrame, numerator: str) -> pd.Series:
    if rows.empty:
        return pd.Series(False, index=rows.index)
    lists, overs = {}, {}
    for _, row in rows.iterrows():
        p = "ALL" if row["breakdown_type"] == "all" else row["breakdown_value"]
        if row["indicator_code"] == "camhs_waiting_list":
            lists[p] = row[numerator]
        elif row["indicator_code"] == "camhs_waiting_over_18w":
            overs[p] = row[numerator]
    hidden = camhs_hidden_pathways({p: (w, overs.get(p, 0.0)) for p, w in lists.items()})
    pathway = rows["breakdown_value"].where(rows["breakdown_type"] != "all", "ALL")
    return pathway.isin(hidden)


def _other_rows(rows: pd.DataFrame, primary: pd.Series, numerator: str, denominator: str) -> pd.Series:
    if rows.empty:
        return pd.Series(False, index=rows.index)
    sums, row_keys = Sums(), {}
    for index, row in rows.iterrows():
        code = row["indicator_code"]
        names = SCORECARD_COUNTS.get(code, (f"{code}:numerator", f"{code}:denominator"))
        keys = []
        for name, column in zip(names, (numerator, denominator), strict=True):
            if name is None or pd.isna(row[column]):
                continue
            key = (name, row["breakdown_type"], row["breakdown_value"])
            keys.append(key)
            if key not in sums.values:
                sums.cell(key, row[column])
        row_keys[index] = keys
    # Rows showing the same count are one bundle: withholding a count withholds it everywhere.
    bundle_of = _union_bundles(row_keys)
    for key in sums.values:
        sums.bundles[key] = bundle_of[key]
    totals = {key[0]: key for key in sums.values if key[1] == "all"}
    for name, breakdown in sorted({(key[0], key[1]) for key in sums.values if key[1] != "all"}):
        if name in totals:
            sums.add_sum(totals[name], [key for key in sums.values if key[:2] == (name, breakdown)])
    treated = ("camhs_treated", "pathway", ED_PATHWAY)
    parts = [("ed_urgent", "all", "all"), ("ed_routine", "all", "all")]
    if treated in sums.values and all(p in sums.values for p in parts):
        sums.add_sum(treated, parts)
    within = ("camhs_treated_18w", "pathway", ED_PATHWAY)
    parts = [("ed_urgent_1w", "all", "all"), ("ed_routine_4w", "all", "all")]
    if within in sums.values and all(p in sums.values for p in parts):
        sums.add_at_least(within, parts)
    # A percentage's numerator is part of its denominator.
    for index, keys in row_keys.items():
        if rows.get("unit") is not None and rows.at[index, "unit"] == "percent" and len(keys) == 2:
            sums.add_at_least(keys[1], [keys[0]])
    primary_bundles = {sums.bundles[key] for key in sums.values if is_small(sums.values[key])}
    primary_bundles |= {bundle_of[keys[0]] for index, keys in row_keys.items() if keys and primary[index]}
    withheld = sums.protect(primary_bundles)
    return (
        pd.Series(
            {index: bool(keys) and bundle_of[keys[0]] in withheld for index, keys in row_keys.items()}, dtype=bool
        ).reindex(rows.index, fill_value=False)
        | primary.loc[rows.index]
    )


def _union_bundles(row_keys: dict) -> dict:
    """key -> bundle, joining every row's keys (rows sharing a count share a bundle)."""
    parent: dict = {}

    def find(key):
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys in row_keys.values():
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    return {key: find(key) for keys in row_keys.values() for key in keys}
