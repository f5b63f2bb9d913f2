"""What the figures mean: the sums MEASURES.md and DOMAIN.md define between them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tests.report.disclosure.keys import (
    CAMHS_THRESHOLDS,
    KAD_GROUPS,
)
from tests.report.disclosure.reader import Reader


def add_meaning(reader: Reader) -> None:
    """Add every sum that holds between the figures the reader has seen (and the unpublished parts)."""
    truth = reader.truth
    # Everything published, and the counts behind every published percentage or average.
    published = set(reader.shown) | set(reader.where_hidden) | {key for ratio in reader.ratios for key in ratio[2:4]}
    by_name = defaultdict(list)
    for key in truth:
        by_name[key[0]].append(key)
    _camhs_list_sums(reader, published, by_name)
    _flow_sums(reader, published, by_name)
    _eating_disorder_sums(reader, published, by_name)
    _edge_of_care_sums(reader, published, by_name)
    _stock_sums(reader, published, by_name)
    _key_activity_sums(reader, published, by_name)


def _camhs_list_sums(reader: Reader, published: set, by_name: dict) -> None:
    """The CAMHS list by pathway adds up to the whole list; over and under each threshold (12, 18 and 26
    weeks) to the list; over one threshold to over the next plus the band between them."""
    truth = reader.truth
    weeks = {key[1] for key in published if key[0].startswith("camhs_") and isinstance(key[1], date) and len(key) == 3}
    bands = [f"camhs_band_{i}" for i in range(len(CAMHS_THRESHOLDS) - 1)]
    names = ["camhs_list", *(name for pair in CAMHS_THRESHOLDS for name in pair), *bands]
    for week in weeks:
        pathways = sorted({k[2] for k in by_name["camhs_list"] if k[1] == week and k[2] != "ALL"})
        for name in names:
            reader.add_sum((name, week, "ALL"), [(name, week, p) for p in pathways])
        for p in [*pathways, "ALL"]:
            for i, (over, under) in enumerate(CAMHS_THRESHOLDS):
                reader.add_sum(("camhs_list", week, p), [(over, week, p), (under, week, p)])
                if i + 1 < len(CAMHS_THRESHOLDS):
                    reader.add_sum((over, week, p), [(bands[i], week, p), (CAMHS_THRESHOLDS[i + 1][0], week, p)])
            if ("camhs_planned", week, p) in truth and ("camhs_gap", week, p) in truth:
                # gap = list - planned, so list = planned + gap (gap may be negative).
                reader.sums.append(("=", ("camhs_list", week, p), (("camhs_planned", week, p), ("camhs_gap", week, p))))


def _flow_sums(reader: Reader, published: set, by_name: dict) -> None:
    truth = reader.truth
    # Breakdowns of a flow add up to the flow's total: ('ceased', type, day, group) -> ALL.
    for name in (
        "ceased",
        "ceased_days",
        "eoc_entered",
        "eoc_interventions",
        "camhs_first_contacts",
        "camhs_treated",
        "camhs_treated_18w",
    ):
        for ptype, day in {key[1:3] for key in published if key[0] == name}:
            parts = [k for k in by_name[name] if k[1] == ptype and k[2] == day and k[3] != "ALL"]
            if (name, ptype, day, "ALL") in truth and parts:
                reader.add_sum((name, ptype, day, "ALL"), parts)


def _eating_disorder_sums(reader: Reader, published: set, by_name: dict) -> None:
    truth = reader.truth
    # Urgent and routine are the eating-disorder pathway's only priorities (seeds/reference/camhs_priority).
    for ptype, day in {key[1:3] for key in published if key[0].startswith(("camhs_treated", "ed_"))}:
        treated = ("camhs_treated", ptype, day, "EATING_DISORDER")
        if treated in truth or ("ed_urgent", ptype, day, "ALL") in truth:
            reader.add_sum(treated, [("ed_urgent", ptype, day, "ALL"), ("ed_routine", ptype, day, "ALL")])
            within = ("camhs_treated_18w", ptype, day, "EATING_DISORDER")
            reader.truth.setdefault(within, 0.0)
            # Within 1 or 4 weeks is within 18 weeks: urgent_1w + routine_4w <= within.
            reader.sums.append(
                ("sum<=", within, (("ed_urgent_1w", ptype, day, "ALL"), ("ed_routine_4w", ptype, day, "ALL")))
            )
            for key in (("ed_urgent_1w", ptype, day, "ALL"), ("ed_routine_4w", ptype, day, "ALL")):
                reader.truth.setdefault(key, 0.0)


def _edge_of_care_sums(reader: Reader, published: set, by_name: dict) -> None:
    truth = reader.truth
    # Edge-of-care services: children, so only where they add up (see add_sum).
    for day in {key[1] for key in published if key[0] == "eoc_active"}:
        parts = [k for k in by_name["eoc_active"] if k[1] == day and k[2] != "ALL"]
        if ("eoc_active", day, "ALL") in truth:
            reader.add_sum(("eoc_active", day, "ALL"), parts)


def _stock_sums(reader: Reader, published: set, by_name: dict) -> None:
    truth = reader.truth
    # Stock breakdowns (child protection by category and by plan number; LAC by budget line and by
    # placement type) add up to the stock, one breakdown type at a time.
    # Looked after = UASC + not UASC (lac_uasc_count, lac_excl_uasc_count).
    for day in {key[1] for key in published if key[0] == "lac_excl_uasc" and len(key) == 2}:
        if ("lac", day) in truth:
            reader.add_sum(("lac", day), [("uasc", day), ("lac_excl_uasc", day)])
    for name, total_name in (("cp", "cp"), ("lac_line", "lac")):
        for day in {key[1] for key in published if key[0] in (name, total_name)}:
            types = {k[2] for k in by_name[name] if k[1] == day and len(k) == 4}
            for btype in types:
                parts = [k for k in by_name[name] if k[1] == day and len(k) == 4 and k[2] == btype]
                if (total_name, day) in truth:
                    reader.add_sum((total_name, day), parts)


def _key_activity_sums(reader: Reader, published: set, by_name: dict) -> None:
    truth = reader.truth
    # Key activity data: lines to groups, groups to the total; variances from the budget.
    for day in {key[1] for key in published if key[0].startswith("kad_")}:
        for name in ("kad_snapshot", "kad_avg"):
            for group, lines in KAD_GROUPS.items():
                reader.add_sum((name, day, group), [(name, day, line) for line in lines])
            reader.add_sum((name, day, "all"), [(name, day, group) for group in KAD_GROUPS])
        for line in [*(line for lines in KAD_GROUPS.values() for line in lines), *KAD_GROUPS, "all"]:
            if (
                ("kad_avg", day, line) in truth
                and ("kad_budgeted", day, line) in truth
                and ("kad_var", day, line) in truth
            ):
                # variance = average - budgeted, so average = budgeted + variance.
                reader.sums.append(("=", ("kad_avg", day, line), (("kad_budgeted", day, line), ("kad_var", day, line))))
            if ("kad_actual_wk", day, line) in truth and ("kad_var_wk", day, line) in truth:
                reader.sums.append(
                    ("=", ("kad_actual_wk", day, line), (("kad_budget_wk", day, line), ("kad_var_wk", day, line)))
                )
            # DOMAIN.md 4.7: a child's finance commitment decides its budget line, so where the month's
            # LAC count by budget line equals the line's KAD snapshot (as the shown lines do), a reader
            # takes the two as one figure.
            snapshot, lac = ("kad_snapshot", day, line), ("lac_line", day, "budget_line", line)
            if line not in KAD_GROUPS and snapshot in truth and truth.get(lac) == truth[snapshot]:
                reader.sums.append(("=", snapshot, (lac,)))
