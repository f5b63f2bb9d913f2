"""Ofsted's Annex A workbook (ILACS): the lists inspectors ask for at the start of an inspection, from the warehouse.

`cscw return annex-a [--as-at DATE]` reads the published warehouse (read-only, like the committee report)
and writes exports/annex_a/<as-at>/annex_a_<as-at>.xlsx: a cover sheet, then one sheet per list (lists.py,
lists_care.py), each list filled as far as the marts and staging hold its data, and the cover and the
list's headings saying what is blank and why. It is not a statutory return (outputs/returns/): it has no
collection year, no DfE validator and no READY, and is asked for on a day, not a year; so it lives beside
them, and the nightly job does not build it.

Children carry the warehouse's pseudonymous IDs only: the council joins names (and its own team and worker
fields) locally before sending, so the warehouse never holds or writes a name.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from outputs.annex_a.lists import CASE_LISTS, AnnexList
from outputs.annex_a.lists_care import CARE_LISTS
from warehouse.connection import Connection, table_exists

LISTS: tuple[AnnexList, ...] = CASE_LISTS + CARE_LISTS


class AnnexAError(RuntimeError):
    """An ordinary reason the workbook cannot be written (no case data yet, an as-at date it cannot show)."""


@dataclass
class FilledList:
    spec: AnnexList
    rows: list[tuple]
    # Why the list is empty, when the warehouse cannot fill it (None when it was filled, even with no rows).
    unfilled: str | None = None


@dataclass
class Written:
    path: Path
    as_at: date
    lists: list[FilledList]
    seconds: float


def months_before(day: date, months: int) -> date:
    """The first day of the `months` calendar months ending on `day` (30 Nov, 6 -> 31 May; 31 Aug, 6 -> 1 Mar)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])) + timedelta(days=1)


def collection_year(day: date) -> int:
    """The SSDA903/CIN collection year (April to March) the day is in, named by its end."""
    return day.year + 1 if day.month >= 4 else day.year


def window(as_at: date) -> dict[str, str]:
    return {
        "as_at": as_at.isoformat(),
        "start6": months_before(as_at, 6).isoformat(),
        "start12": months_before(as_at, 12).isoformat(),
        "collection_year": str(collection_year(as_at)),
    }


def default_as_at(con: Connection) -> date:
    """The latest case extract date: the day the lists can be drawn up to."""
    if not table_exists(con, "staging", "stg_case__children"):
        raise AnnexAError("the warehouse has no case data yet: run `cscw nightly` first")
    (latest,) = con.execute("select max(extract_date) from staging.stg_case__children").fetchone()
    if latest is None:
        raise AnnexAError("the case extract holds no children: nothing to list")
    return latest


# A list whose source is an optional extract file: a warehouse built before the entity existed has no table,
# and a council whose extract leaves the file out has an empty one. Either way the list says so.
REQUIRES = {5: ("staging", "stg_case__section_47", "the case extract sent no Section 47 enquiries (section_47.csv)")}


def fill(con: Connection, as_at: date, la_ons: str) -> list[FilledList]:
    if not la_ons.isalnum():  # it is written into the SQL as a literal
        raise AnnexAError(f"the council's ONS code {la_ons!r} is not a code")
    params = {**window(as_at), "la_ons": la_ons}
    filled = []
    for spec in LISTS:
        if spec.sql is None:
            filled.append(FilledList(spec, [], spec.unfilled))
        else:
            lacking = _lacking(con, spec)
            filled.append(FilledList(spec, [], lacking) if lacking else FilledList(spec, _rows(con, spec, params)))
    return filled


def _lacking(con: Connection, spec: AnnexList) -> str | None:
    if spec.number not in REQUIRES:
        return None
    schema, table, empty = REQUIRES[spec.number]
    if not table_exists(con, schema, table):
        return f"{schema}.{table} is not in this warehouse yet"
    return None if con.execute(f"select count(*) from {schema}.{table}").fetchone()[0] else empty


def _rows(con: Connection, spec: AnnexList, params: dict[str, str]) -> list[tuple]:
    rows = con.execute(spec.sql.format(**params)).fetchall()
    if rows and len(rows[0]) != len(spec.headings):
        raise AssertionError(f"list {spec.number}: {len(rows[0])} columns for {len(spec.headings)} headings")
    coders = [spec.codes.get(heading) for heading in spec.headings]
    return [tuple(c(v) if c else v for c, v in zip(coders, row, strict=True)) for row in rows]


def write_annex_a(con: Connection, exports: Path, la_ons: str, la_name: str, as_at: date | None = None) -> Written:
    from outputs.annex_a.workbook import write_workbook

    started = time.perf_counter()
    latest = default_as_at(con)
    as_at = as_at or latest
    if as_at > latest:
        raise AnnexAError(
            f"--as-at {as_at} is after the latest case extract ({latest}): the lists cannot show days not yet sent"
        )
    lists = fill(con, as_at, la_ons)
    path = exports / "annex_a" / as_at.isoformat() / f"annex_a_{as_at.isoformat()}.xlsx"
    write_workbook(path, lists, as_at, la_name, window(as_at))
    return Written(path, as_at, lists, time.perf_counter() - started)
