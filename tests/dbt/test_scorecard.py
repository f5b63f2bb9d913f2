"""The indicator scorecard against a hand-worked table.

The upstream marts are replaced by small hand-made tables (only the columns the scorecard reads); the
committed council seeds measure_registry and scorecard_targets are used as they are, and the CAMHS
waiting-list and finance measure marts are built from the hand-made weekly list and key activity data. Each case
sits on a boundary of DOMAIN.md 4.12 as the mart's documentation states it: the LAC rate band with its
10% tolerance at both edges (and a rate rising towards the band from below, which is still
"worsening"), lac_count targets changing on 1 April 2017, re-referrals at exactly 10% over 25,
urgent eating-disorder treatment at exactly 10% under 95, neutral up/down/unchanged, a missing previous
month, breakdowns without a target, a measure code not on the list, dated
targets that end (the 2015/16 LAC rate limit; the 2021 glide path, after which there is no RAG rather than Red),
glide paths mid-way (LAC rate 38.5 -> 29.3 and LAC number 497 -> 453, month by month), staged CAMHS targets per
pathway, comparators (England, Wales) beside the target that never set the RAG, the CAMHS weekly list read at the
Sunday in the last 7 days of a month or financial year (by pathway and for ALL), and the finance external and
in-house group rows summed (not the total, which includes adoption) at a month end and at 31 March.
tests/fixtures/scorecard_cases/expected.csv was worked out from the definitions without the SQL; its `working`
column explains each row.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.dbt.registry import registry
from tests.support.expected import assert_matches, read_expected
from tests.support.warehouse import dbt_build
from warehouse.connection import connect_duckdb

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "scorecard_cases"
KEY = ("indicator_code", "period_type", "period_end", "breakdown_type", "breakdown_value")
METADATA = ("report_order", "area", "indicator_name", "directorate", "unit", "polarity")
# The scorecard column each registry column is copied to, where the names differ.
REGISTRY_COLUMN = {"indicator_name": "measure_name"}


def _month(year: int, month: int) -> tuple[str, date, date]:
    start = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return ("month", start, date.fromordinal(nxt.toordinal() - 1))


def _fy(end_year: int) -> tuple[str, date, date]:
    return ("financial_year", date(end_year - 1, 4, 1), date(end_year, 3, 31))


PERIODS = [
    *(_month(2016, m) for m in range(3, 12)),  # March to November 2016
    *(_month(2017, m) for m in (3, 4, 5, 6)),  # no February 2017: March has no previous month
    *(_month(2026, m) for m in (1, 2, 3)),
    _fy(2016),
    _fy(2017),
    _fy(2026),
]
PERIOD = {(p[0], p[2]): p for p in PERIODS}


def _measure(code, period_type, period_end, numerator, denominator, value, breakdown=("all", "all")):
    kind, start, end = PERIOD[(period_type, date.fromisoformat(period_end))]
    return (code, kind, start, end, *breakdown, numerator, denominator, value)


M, FY = "month", "financial_year"

LAC_MEASURES = [
    _measure("lac_count", M, "2016-03-31", 560, None, 560.0),
    _measure("lac_count", M, "2016-04-30", 560, None, 560.0),
    _measure("lac_count", FY, "2016-03-31", 560, None, 560.0),
    _measure("lac_count", FY, "2017-03-31", 535, None, 535.0),
    _measure("lac_count", M, "2017-03-31", 535, None, 535.0),
    _measure("lac_count", M, "2017-04-30", 535, None, 535.0),
    _measure("lac_count", M, "2017-05-31", 547, None, 547.0),
    _measure("lac_count", M, "2017-06-30", 546, None, 546.0),
    _measure("lac_count", M, "2017-04-30", 250, None, 250.0, ("legal_status", "C2")),
    # Not on the indicator list: never in the scorecard.
    _measure("lac_by_placement_type", M, "2017-04-30", 100, None, 100.0, ("placement_type", "U1")),
    _measure("lac_rate_per_10k", M, "2016-03-31", 2200, 500000, 44.0),
    _measure("lac_rate_per_10k", M, "2026-01-31", 2200, 500000, 44.0),
    _measure("stability_3plus_placements_pct", M, "2016-04-30", 12, 100, 12.0),
    _measure("lac_rate_per_10k", M, "2016-04-30", 1476, 500000, 29.52),
    _measure("lac_rate_per_10k", M, "2016-05-31", 1500, 500000, 30.0),
    _measure("lac_rate_per_10k", M, "2016-06-30", 1640, 500000, 32.8),
    _measure("lac_rate_per_10k", M, "2016-07-31", 1925, 500000, 38.5),
    _measure("lac_rate_per_10k", M, "2016-08-31", 2117, 500000, 42.34),
    _measure("lac_rate_per_10k", M, "2016-09-30", 2120, 500000, 42.4),
    _measure("lac_rate_per_10k", M, "2016-10-31", 1750, 500000, 35.0),
    _measure("lac_rate_per_10k", M, "2016-11-30", 1478, 500000, 29.56),
    _measure("lac_starts", M, "2016-04-30", 25, None, 25.0),
    _measure("lac_starts", M, "2016-05-31", 30, None, 30.0),
    _measure("lac_starts", M, "2016-06-30", 30, None, 30.0),
    _measure("lac_starts", M, "2016-08-31", 20, None, 20.0),  # July missing
    _measure("lac_starts", M, "2016-09-30", 18, None, 18.0),
]

LAC_STRATEGY_MEASURES = [
    # The F&PR's limit of 500 excluding UASC for 2016/17 (an indicator since it has a report_order).
    _measure("lac_excl_uasc_count", M, "2016-04-30", 540, None, 540.0),
    # Not an indicator (no report_order): never in the scorecard.
    _measure("lac_excl_uasc_rate_per_10k", M, "2016-04-30", 540, 500000, 10.8),
]

CASE_MEASURES = [
    _measure("re_referral_12m_pct", M, "2016-04-30", 313, 1250, 25.04),
    _measure("re_referral_12m_pct", M, "2016-05-31", 275, 1000, 27.5),
    _measure("re_referral_12m_pct", M, "2016-06-30", 276, 1000, 27.6),
    _measure("re_referral_12m_pct", M, "2016-07-31", 691, 2500, 27.64),
]

EDGE_OF_CARE_MEASURES = [
    _measure("edge_of_care_entered_care_12m_pct", M, "2016-04-30", 5, 28, 100 * 5 / 28, ("service", "ATC")),
    _measure("edge_of_care_entered_care_12m_pct", M, "2016-05-31", 5, 30, 100 * 5 / 30, ("service", "ATC")),
    _measure("edge_of_care_entered_care_12m_pct", M, "2016-05-31", 3, 13, 100 * 3 / 13, ("service", "SPACE")),
]

CAMHS_MEASURES = [
    _measure("camhs_ed_urgent_1w_pct", M, "2016-04-30", 171, 200, 85.5),
    _measure("camhs_ed_urgent_1w_pct", M, "2016-05-31", 427, 500, 85.4),
    _measure("camhs_ed_urgent_1w_pct", M, "2016-06-30", 19, 20, 95.0),
]


def _week(week_ending, pathway, waiting_list, over_18w, planned, priority="ALL", looked_after="ALL", over=(0, 0, 0)):
    """`over`: waiting more than 12, 26 and 27 weeks (the staged targets' thresholds and the paper's)."""
    gap = None if planned is None else waiting_list - planned
    over_12w, over_26w, over_27w = over
    # The wait-band columns (camhs_waiting_list_measures reads them; no indicator does) are left at 0.
    bands = (0,) * 5
    return (
        date.fromisoformat(week_ending),
        pathway,
        priority,
        looked_after,
        waiting_list,
        over_18w,
        planned,
        gap,
        over_27w,
        *bands,
        over_12w,
        over_26w,
    )


WEEKLY = [
    # 2016-04-17 is a Sunday in April but not in the last 7 days (24-30 April): ignored.
    _week("2016-04-17", "ALL", 999, 99, 900, over=(99, 99, 99)),
    _week("2016-04-17", "CORE", 555, 55, 500),
    _week("2016-04-24", "ALL", 200, 5, 210, over=(20, 2, 1)),
    _week("2016-04-24", "CORE", 120, 0, 130, over=(12, 0, 0)),
    _week("2016-04-24", "ADHD", 80, 5, 70, over=(8, 2, 1)),
    # Other priorities and looked-after splits are ignored.
    _week("2016-04-24", "ALL", 40, 1, None, priority="urgent"),
    _week("2016-04-24", "CORE", 30, 2, None, looked_after="Y"),
    _week("2016-05-29", "ALL", 210, 0, None, over=(15, 0, 0)),
    _week("2016-05-29", "CORE", 130, 0, 125, over=(10, 0, 0)),
    _week("2016-05-29", "ADHD", 80, 0, 80, over=(5, 0, 0)),
    _week("2016-05-29", "ASD", 0, 0, None),
    _week("2017-03-19", "ALL", 777, 77, 700, over=(77, 77, 77)),  # March 2017 but before 25-31 March: ignored
    _week("2017-03-26", "ALL", 190, 3, 180, over=(30, 1, 1)),  # month March 2017 and FY 2016/17
    _week("2017-03-26", "CORE", 100, 3, 95, over=(20, 1, 1)),
    _week("2017-03-26", "CORE", 10, 0, None, priority="routine"),
    _week("2017-04-23", "ALL", 666, 66, 600, over=(66, 66, 66)),  # ignored
    _week("2017-04-30", "ALL", 190, 0, None, over=(9, 0, 0)),  # period_end itself is the Sunday
]

# Only the external and in-house group rows count (the LAC placement lines the F&PR reports): the
# adoption group, the lines and the overall total (which includes adoption) are ignored.
FINANCE = [
    (date(2016, 4, 30), "total", "all", 120000.0),
    (date(2016, 4, 30), "line", "IFA", 50000.0),
    (date(2016, 4, 30), "group", "external", 70000.0),
    (date(2016, 4, 30), "group", "in_house", 30000.0),
    (date(2016, 4, 30), "group", "adoption", 20000.0),
    (date(2016, 5, 31), "group", "external", 10000.0),
    (date(2016, 5, 31), "group", "in_house", -10000.0),
    (date(2016, 5, 31), "total", "all", 0.0),
    (date(2017, 3, 31), "group", "external", -40000.0),
    (date(2017, 3, 31), "group", "in_house", 15000.0),
    (date(2017, 3, 31), "group", "adoption", 5000.0),
    (date(2017, 3, 31), "total", "all", -20000.0),
    (date(2017, 3, 31), "line", "IFA", 3000.0),
    (date(2026, 1, 31), "group", "external", 1700000.0),
    (date(2026, 1, 31), "total", "all", 1700000.0),
    (date(2026, 2, 28), "group", "external", 1000000.04),
    (date(2026, 2, 28), "group", "in_house", 700000.0),
    (date(2026, 2, 28), "total", "all", 1700000.04),
    (date(2026, 3, 31), "group", "external", -1000.0),
    (date(2026, 3, 31), "group", "adoption", 500.0),
    (date(2026, 3, 31), "total", "all", -500.0),
    (date(2026, 3, 31), "line", "IFA", 999.0),
]

MEASURE_COLUMNS = (
    "measure_code varchar, period_type varchar, period_start date, period_end date, "
    "breakdown_type varchar, breakdown_value varchar, numerator bigint, denominator bigint, "
    "value double"
)
TABLES = {
    "lac.lac_measures": (MEASURE_COLUMNS, LAC_MEASURES),
    "lac.lac_strategy_measures": (MEASURE_COLUMNS, LAC_STRATEGY_MEASURES),
    "case_management.case_measures": (MEASURE_COLUMNS, CASE_MEASURES),
    "edge_of_care.edge_of_care_measures": (MEASURE_COLUMNS, EDGE_OF_CARE_MEASURES),
    "camhs.camhs_measures": (MEASURE_COLUMNS, CAMHS_MEASURES),
    "camhs.camhs_weekly_waiting_list": (
        "week_ending date, pathway varchar, priority varchar, looked_after varchar, waiting_list bigint, "
        "waiting_over_18w bigint, planned_waiting_list integer, trajectory_gap bigint, waiting_over_27w bigint, "
        "waiting_0_12w bigint, waiting_12_18w bigint, waiting_18_27w bigint, waiting_27_52w bigint, "
        "waiting_52w_plus bigint, waiting_over_12w bigint, waiting_over_26w bigint",
        WEEKLY,
    ),
    "finance.finance_key_activity_data": (
        "reporting_month_end date, row_type varchar, service_type varchar, variance_spend_gbp double",
        FINANCE,
    ),
    # Published comparators (reference/comparators.csv as loaded): never targets.
    "raw.reference__comparators": (
        "indicator_code varchar, comparator_group varchar, period_end varchar, value varchar, source varchar, "
        "extract_date date",
        [
            ("lac_rate_per_10k", "ENGLAND", "2015-03-31", "60.0", "test", date(2025, 1, 1)),
            ("lac_rate_per_10k", "ENGLAND", "2016-03-31", "61.0", "test", date(2025, 1, 1)),
            ("stability_3plus_placements_pct", "WALES", "2012-03-31", "9.15", "test", date(2025, 1, 1)),
        ],
    ),
    "intermediate.int_reporting_periods": ("period_type varchar, period_start date, period_end date", PERIODS),
}


@pytest.fixture(scope="module")
def scorecard_cases(reference_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("scorecard_cases")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(reference_warehouse, warehouse)
    with connect_duckdb(warehouse) as con:
        for table, (columns, rows) in TABLES.items():
            con.execute(f"create schema if not exists {table.split('.')[0]}")
            con.execute(f"create or replace table {table} ({columns})")
            width = columns.count(",") + 1
            con.executemany(f"insert into {table} values ({', '.join(['?'] * width)})", rows)
    dbt_build(
        warehouse,
        "scorecard_indicators camhs_waiting_list_measures finance_measures measure_registry scorecard_targets "
        "stg_reference__comparators",
        work,
    )
    return warehouse


def test_scorecard_matches_the_hand_worked_table(scorecard_cases):
    expected = read_expected(CASES / "expected.csv", KEY)
    assert_matches(
        scorecard_cases,
        "select * from scorecard.scorecard_indicators",
        expected,
        KEY,
        exact=(
            "period_start",
            "numerator",
            "denominator",
            "previous_period_end",
            "direction_of_travel",
            "target_min",
            "target_max",
            "amber_tolerance_pct",
            "rag",
        ),
        approx=("value", "previous_value", "comparator_england", "comparator_wales"),
        tolerance=1e-6,
    )


def test_metadata_is_copied_from_the_registry(scorecard_cases):
    listed = {code: row for code, row in registry().items() if row["report_order"]}
    with connect_duckdb(scorecard_cases, read_only=True) as con:
        rows = con.execute(
            f"select distinct indicator_code, {', '.join(METADATA)} from scorecard.scorecard_indicators"
        ).fetchall()
    assert {r[0] for r in rows} <= set(listed)
    assert len(rows) == len({r[0] for r in rows}), "one set of metadata per indicator"
    for code, *values in rows:
        want = [int(listed[code]["report_order"]), *(listed[code][REGISTRY_COLUMN.get(c, c)] for c in METADATA[1:])]
        assert values == want, code
