"""The Annex A workbook on the default synthetic data: it opens, has every list with the guidance's headings,
and each list's rows are the marts' count for the same window, counted here by queries of the test's own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from outputs.annex_a import LISTS, FilledList, collection_year, months_before, write_annex_a
from outputs.annex_a.workbook import write_workbook


@pytest.fixture(scope="module")
def written(synthetic_warehouse, tmp_path_factory):
    import duckdb

    exports = tmp_path_factory.mktemp("annex_a_exports")
    with duckdb.connect(str(synthetic_warehouse), read_only=True) as con:
        yield con, write_annex_a(con, exports, "E10000003", "Cambridgeshire")


def marts_counts(con, as_at: date) -> dict[int, int]:
    """Who each list holds (the cover's "who is on it"), counted straight from the marts and staging."""
    start6, start12 = months_before(as_at, 6), months_before(as_at, 12)

    def count(sql: str, *params) -> int:
        return con.execute(sql, params).fetchone()[0]

    adoption = con.execute(
        "select a.child_id, a.date_placed, a.date_placed_ceased, p.period_start_date, p.period_end_date, "
        "p.reason_ceased from staging.stg_placements__placed_for_adoption as a "
        "left join lac.lac_periods_of_care as p on p.child_id = a.child_id"
    ).df()
    return {
        3: count(
            "select count(*) from case_management.case_referrals where referral_date between ? and ?", start6, as_at
        ),
        4: count(
            "select count(*) from case_management.case_referrals where assessment_start_date between ? and ? "
            "or assessment_authorised_date between ? and ?",
            start6,
            as_at,
            start6,
            as_at,
        ),
        5: count(
            "select count(*) from staging.stg_case__section_47 where s47_start_date between ? and ? "
            "or icpc_date between ? and ?",
            start6,
            as_at,
            start6,
            as_at,
        ),
        6: count(
            "select count(*) from case_management.case_referrals where not is_nfa and referral_date <= ? "
            "and coalesce(closure_date, date '9999-12-31') >= ?",
            as_at,
            start6,
        ),
        7: count(
            "select count(*) from staging.stg_case__cp_plans where plan_start_date <= ? "
            "and coalesce(plan_end_date, date '9999-12-31') >= ?",
            as_at,
            start6,
        ),
        8: count(
            "select count(*) from lac.lac_periods_of_care where not is_short_breaks_only and period_start_date <= ? "
            "and coalesce(period_end_date, date '9999-12-31') >= ?",
            as_at,
            start6,
        ),
        9: count(
            "select count(*) from staging.stg_placements__oc3 where collection_year = "
            "(select max(collection_year) from staging.stg_placements__oc3 where collection_year <= ?)",
            collection_year(as_at),
        ),
        10: _adoption_count(adoption, pd.Timestamp(as_at), pd.Timestamp(start12)),
    }


def _adoption_count(rows: pd.DataFrame, as_at: pd.Timestamp, start12: pd.Timestamp) -> int:
    """Decisions up to the as-at date, less those whose child was adopted (the care period the decision fell in
    ended E11/E12) or stopped being placed before the twelve months."""
    for column in ("date_placed", "date_placed_ceased", "period_start_date", "period_end_date"):
        rows[column] = pd.to_datetime(rows[column])
    kept = 0
    for _, decision in rows[rows.date_placed <= as_at].groupby(["child_id", "date_placed"]):
        periods = decision[decision.period_start_date <= decision.date_placed].sort_values("period_start_date")
        period = periods.iloc[-1] if len(periods) else None
        adopted = period.period_end_date if period is not None and period.reason_ceased in ("E11", "E12") else pd.NaT
        ceased = decision.date_placed_ceased.iloc[0]
        kept += (pd.isna(adopted) or adopted >= start12) and (pd.isna(ceased) or ceased >= start12)
    return kept


def test_every_list_has_the_guidance_headings(written):
    con, result = written
    # The generator writes section_47.csv once it makes Section 47 enquiries; until then List 5 says it has none.
    no_s47 = con.execute("select count(*) = 0 from staging.stg_case__section_47").fetchone()[0]
    book = load_workbook(result.path)
    assert book.sheetnames == ["Cover", *(spec.sheet for spec in LISTS)]
    for filled in result.lists:
        spec = filled.spec
        sheet = book[spec.sheet]
        assert [c.value for c in sheet[1]] == list(spec.headings)
        assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "B2"
        # A comment on each heading the warehouse cannot fill, and on every heading of a list it cannot fill.
        for heading, cell in zip(spec.headings, sheet[1], strict=True):
            assert (cell.comment is not None) == (heading in spec.not_held or filled.unfilled is not None)
        assert (filled.unfilled is not None) == (spec.number in (1, 2, 11) or (spec.number == 5 and no_s47))


def test_each_list_counts_what_the_marts_hold_for_its_window(written):
    con, result = written
    book = load_workbook(result.path, read_only=True)
    expected = marts_counts(con, result.as_at)
    got = {spec.number: book[spec.sheet].max_row - 1 for spec in LISTS}
    assert {n: got[n] for n in expected} == expected
    assert all(expected[n] > 0 for n in (3, 4, 6, 7, 8, 9, 10)), expected  # the synthetic data fills them
    assert got[1] == got[2] == got[11] == 0
    cover = {row[0]: row[3] for row in book["Cover"].iter_rows(min_row=8, values_only=True) if row[0]}
    assert cover == got


def test_as_at_defaults_to_the_latest_case_extract_and_dates_are_dates(written):
    con, result = written
    assert result.as_at == con.execute("select max(extract_date) from staging.stg_case__children").fetchone()[0]
    sheet = load_workbook(result.path)["List 3 Referrals"]
    cell = sheet.cell(2, list(LISTS[2].headings).index("Date of referral") + 1)
    assert cell.is_date and cell.number_format == "DD/MM/YYYY"
    assert months_before(result.as_at, 6) <= cell.value.date() <= result.as_at


def test_text_is_never_a_formula(tmp_path: Path):
    spec = LISTS[2]
    row = ('=HYPERLINK("http://x")', *[None] * (len(spec.headings) - 1))
    path = tmp_path / "a.xlsx"
    write_workbook(path, [FilledList(spec, [row])], date(2024, 3, 31), "Test", _window())
    cell = load_workbook(path)[spec.sheet]["A2"]
    assert cell.data_type == "s" and cell.value == row[0]


def _window() -> dict[str, str]:
    from outputs.annex_a import window

    return window(date(2024, 3, 31))
