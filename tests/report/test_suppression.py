"""Secondary suppression on small hand-made tables, each expected answer worked by hand.

The rule (outputs/report/suppression.py): a reader who sees a total and some of its parts bounds each
withheld part by the total minus the shown parts minus 1 for every other withheld part (a [c] is
never zero); no withheld count may be bounded by 5. So k withheld non-zero counts under a shown total
must add up to at least k + 5.
"""

from __future__ import annotations

import pandas as pd
import pytest

from outputs.report.suppression import (
    DisclosureError,
    any_small,
    key_activity_flags,
    scorecard_flags,
    waiting_list_flags,
    with_secondary,
)


def flagged(frame: pd.DataFrame, flags: pd.Series, label: str) -> list[str]:
    return sorted(frame.loc[flags, label])


def test_the_issue_camhs_case_two_ones_under_the_total_get_a_third_cell():
    # ALL 813; the three pathways shown add up to 811, so the two [c] are 2 between them: 1 each.
    # Withholding the next smallest list (CORE, 161) makes the withheld lists 163 over three cells,
    # each at most 163 - 2 = 161. Over 18 weeks: CRISIS and ED have 0 (a zero the reader knows);
    # CORE's 20 is then the over-18-weeks total minus the shown ones, exact but not small.
    frame = pd.DataFrame(
        {
            "week_ending": ["2026-10-25"] * 6,
            "pathway": ["ADHD", "ASD", "CORE", "CRISIS", "EATING_DISORDER", "ALL"],
            "waiting_list": [400, 250, 161, 1, 1, 813],
            "waiting_over_18w": [100, 50, 20, 0, 0, 170],
        }
    )
    flags = waiting_list_flags(frame, ["week_ending"], overs=("waiting_over_18w",))
    assert flagged(frame, flags, "pathway") == ["CORE", "CRISIS", "EATING_DISORDER"]


def test_waiting_list_rows_are_withheld_whole_and_the_under_18_weeks_count_is_protected():
    # CORE has 2 waiting under 18 weeks (40 - 38): the scorecard publishes that count as a
    # percentage, so CORE is withheld, and so is the next smallest list (ASD, 60): under 18 weeks
    # the withheld rows then have 2 + 40 = 42 between them.
    frame = pd.DataFrame(
        {
            "week_ending": ["w"] * 3,
            "pathway": ["ADHD", "ASD", "CORE"],
            "waiting_list": [90, 60, 40],
            "waiting_over_18w": [30, 20, 38],
        }
    )
    flags = waiting_list_flags(frame, ["week_ending"], overs=("waiting_over_18w",))
    assert flagged(frame, flags, "pathway") == ["ASD", "CORE"]


def test_a_small_band_between_two_published_thresholds_withholds_the_pathway():
    # CORE waits over 12 weeks 36 and over 18 weeks 34: showing both shows the 2 waiting 12-18 weeks.
    # Every other count (lists, overs, unders, band 18-26) is 6 or more. CORE is withheld,
    # and the next smallest list (ASD, 60) with it, as the total (200) is published elsewhere.
    frame = pd.DataFrame(
        {
            "week_ending": ["w"] * 3,
            "pathway": ["ADHD", "ASD", "CORE"],
            "waiting_list": [90, 60, 50],
            "waiting_over_12w": [60, 40, 36],
            "waiting_over_18w": [30, 20, 34],
            "waiting_over_26w": [20, 12, 20],
        }
    )
    assert flagged(frame, waiting_list_flags(frame, ["week_ending"]), "pathway") == ["ASD", "CORE"]
    # With the 18-week count alone nothing is small: the band is what withholds.
    assert flagged(frame, waiting_list_flags(frame, ["week_ending"], overs=("waiting_over_18w",)), "pathway") == []


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # 3 and 2 add up to 5 over two cells: each at most 4. Add the next smallest, 9: 14 over three,
        # each at most 12.
        ([12, 9, 3, 2, 40], [False, True, True, True, False]),
        # A lone [c] is the total minus the rest. Add 7: 8 over two, each at most 7.
        ([7, 1, 14], [True, True, False]),
        # The smallest non-zero part, not the zero (the reader knows zeros are 0).
        ([0, 4, 30, 25], [False, True, False, True]),
        # 3 and 4: 7 = 2 + 5 over two cells, each at most 6. Already safe.
        ([3, 4, 50, 60], [True, True, False, False]),
        # 2 and 4: 6 over two, each at most 5. Not safe: add 50.
        ([2, 4, 50, 60], [True, True, True, False]),
        # Nothing small, nothing withheld.
        ([10, 20, 30], [False, False, False]),
    ],
)
def test_one_group_under_a_published_total(parts, expected):
    frame = pd.DataFrame({"group": "g", "count": parts})
    flags = with_secondary(frame, any_small(frame, ["count"]), ["group"], "count")
    assert flags.tolist() == expected


def test_groups_are_protected_one_by_one():
    frame = pd.DataFrame({"month": ["a", "a", "a", "b", "b", "b"], "count": [1, 9, 30, 8, 9, 30]})
    flags = with_secondary(frame, any_small(frame, ["count"]), ["month"], "count")
    assert flags.tolist() == [True, True, False, False, False, False]


def test_a_group_that_cannot_be_protected_is_not_published():
    # 2 + 2 + 2 = 6, the total published elsewhere: each [c] is at most 6 - 2 = 4, and nothing is left.
    frame = pd.DataFrame({"group": "g", "count": [2, 2, 2]})
    with pytest.raises(DisclosureError):
        with_secondary(frame, any_small(frame, ["count"]), ["group"], "count")


def kad_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["row_type", "service_type", "sums_into", "snapshot_placements", "yearly_average_placements"]
    )
    return frame


def kad_primary(frame: pd.DataFrame) -> pd.Series:
    return any_small(frame, ["snapshot_placements"]) | frame["yearly_average_placements"].between(
        0, 5, inclusive="right"
    )


NO_LINES = pd.DataFrame(columns=["breakdown_type", "breakdown_value", "children"])
# Group X of the key activity data: A 1, B 0 (average 0.2), C 2, D 30, E 18; 51 children.
GROUP_X = [
    ("line", "A", "X", 1, 1.5),
    ("line", "B", "X", 0, 0.2),
    ("line", "C", "X", 2, 2.3),
    ("line", "D", "X", 30, 30.1),
    ("line", "E", "X", 18, 18.2),
    ("group", "X", "all", 51, 52.3),
]


def test_key_activity_lines_groups_and_total():
    # Group X: A 1, B 0 (average 0.2, so withheld), C 2: the reader knows B is 0, so A and C are 3
    # between them (each at most 2). The smallest shown line of X is E (18): then 21 over A, C, E, each
    # at most 19; averages 1.5 + 0.2 + 2.3 + 18.2 = 22.2. Group Y: G 4 alone is Y minus F; withhold F.
    # The groups and the total stay.
    frame = kad_frame(
        [
            *GROUP_X,
            ("line", "F", "Y", 100, 99.5),
            ("line", "G", "Y", 4, 3.9),
            ("group", "Y", "all", 104, 103.4),
            ("total", "all", None, 155, 155.7),
        ]
    )
    kad, _ = key_activity_flags(frame, kad_primary(frame), NO_LINES, pd.Series(dtype=bool))
    assert flagged(frame, kad, "service_type") == ["A", "B", "C", "E", "F", "G"]


def test_a_lone_small_line_opens_the_groups_above_it():
    # Group Z has one line, H = 3: Z is 3 too, and the total minus X and Y gives it back. Nothing is left
    # in Z, so the group above is opened: X (51) is the smallest shown group. Then X + Z = 54 and X is
    # at least 51 - 18 = 33 (its shown line D and at least 1 for A, C and E), so Z is at most 21.
    frame = kad_frame(
        [
            *GROUP_X,
            ("line", "F", "Y", 104, 103.4),
            ("group", "Y", "all", 104, 103.4),
            ("line", "H", "Z", 3, 3.1),
            ("group", "Z", "all", 3, 3.1),
            ("total", "all", None, 158, 158.8),
        ]
    )
    kad, _ = key_activity_flags(frame, kad_primary(frame), NO_LINES, pd.Series(dtype=bool))
    assert flagged(frame, kad, "service_type") == ["A", "B", "C", "E", "H", "X", "Z"]


def test_a_budget_line_in_both_tables_is_withheld_in_both():
    # LAC by budget line: P 20, Q 3, R 40 (63). KAD line P also has 20 children, Q 3: the same figures.
    # KAD: P 20, Q 3, S 1 in one group (24): Q and S are 4 between them, so P goes in the KAD, and then
    # in the LAC table too. There P and Q are 63 - 40 = 23, and the KAD's 24 minus those 23 gives S = 1
    # back; so R goes too: the LAC's 63 over P, Q, R and the KAD's 24 over P, Q, S share no subset.
    frame = kad_frame(
        [
            ("line", "P", "X", 20, 20.0),
            ("line", "Q", "X", 3, 3.0),
            ("line", "S", "X", 1, 1.0),
            ("group", "X", "all", 24, 24.0),
            ("total", "all", None, 24, 24.0),
        ]
    )
    lines = pd.DataFrame({"breakdown_type": "budget_line", "breakdown_value": ["P", "Q", "R"], "children": [20, 3, 40]})
    kad, lac = key_activity_flags(frame, kad_primary(frame), lines, any_small(lines, ["children"]))
    assert flagged(frame, kad, "service_type") == ["P", "Q", "S"]
    assert flagged(lines, lac, "breakdown_value") == ["P", "Q", "R"]


def test_scorecard_breakdowns_current_and_previous_and_shared_counts():
    # Children ceasing care by REC group, this month: adopted 3, other 2, sgo 4 are [c]: 9 over three,
    # each at most 7; safe. Last month: adopted 2, sgo 1 ([x] for other: none): 3 over two, each at
    # most 2, so the smallest shown previous figure goes too (returned_home, 9): 12 over three.
    # The average days ceased has the same children as its denominator: withheld with them.
    groups = ["adopted", "other", "returned_home", "sgo", "staying_put"]
    ceased = [3, 2, 9, 4, 7]
    before = [2, None, 9, 1, 12]
    rows = [("lac_ceased", "all", "all", 25, None, 24.0)]
    rows += [("lac_ceased", "rec_group", g, n, None, p) for g, n, p in zip(groups, ceased, before, strict=True)]
    rows += [("avg_days_in_care_ceased", "all", "all", 9000, 25, 24.0)]
    rows += [
        ("avg_days_in_care_ceased", "rec_group", g, 300 * n, n, p)
        for g, n, p in zip(groups, ceased, before, strict=True)
    ]
    frame = pd.DataFrame(
        rows, columns=["indicator_code", "breakdown_type", "breakdown_value", "numerator", "denominator", "before"]
    )
    frame["period_end"] = "2026-10-31"
    frame["unit"] = frame["indicator_code"].map({"lac_ceased": "count", "avg_days_in_care_ceased": "days"})
    counted = frame["indicator_code"] == "lac_ceased"
    frame["previous_numerator"] = frame["before"].where(counted, None)
    frame["previous_denominator"] = frame["before"].where(~counted, None)
    current = any_small(frame, ["numerator", "denominator"])
    previous = any_small(frame, ["previous_numerator", "previous_denominator"])
    current, previous = scorecard_flags(frame, current, previous)
    for code in ("lac_ceased", "avg_days_in_care_ceased"):
        rows_of = frame["indicator_code"] == code
        assert flagged(frame[rows_of], current[rows_of], "breakdown_value") == ["adopted", "other", "sgo"]
        assert flagged(frame[rows_of], previous[rows_of], "breakdown_value") == ["adopted", "returned_home", "sgo"]
