"""The commands that only read the published warehouse: summary, quality (and query, in query.py)."""

from __future__ import annotations

import argparse

from orchestration.cli.common import log, require_warehouse, return_states
from warehouse.settings import Settings


def cmd_summary(settings: Settings, args: argparse.Namespace) -> int:
    from warehouse.connection import target
    from warehouse.serving import read_published

    where = settings.warehouse if target() == "duckdb" else "PostgreSQL (CSCW_TARGET=postgres, CSCW_PG_*)"
    require_warehouse(settings)
    with read_published(settings) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog') and table_type = 'BASE TABLE' "
            "order by table_schema, table_name"
        ).fetchall()
        print(f"\nWarehouse: {where}")
        current = None
        for schema, table in tables:
            if schema != current:
                current = schema
                print(f"  {schema}")
            rows = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            print(f"    {table:<44} {rows:>10,} rows")
        loads = con.execute(
            "select source, max(extract_date) filter (where status = 'loaded'), "
            "count(distinct (extract_date, snapshot_fingerprint)) filter (where status = 'loaded'), "
            "count(distinct (extract_date, snapshot_fingerprint)) filter (where status = 'refused') "
            "from raw._ledger group by source order by source"
        ).fetchall()
    print(
        f"\n  {len(tables)} tables. Latest snapshot per source: "
        + ", ".join(f"{s} {d} ({n} loaded, {r} refused)" for s, d, n, r in loads)
    )
    print(f"  Refused extracts and their reports: {settings.quarantine}")
    for line in return_states(settings):
        print(f"  {line}")
    print('  Query it: cscw query "select * from staging.stg_placements__episodes limit 5"\n')
    return 0


QUALITY_COLUMNS = [
    "source",
    "file_name",
    "row_number",
    "column_name",
    "rule",
    "action",
    "severity",
    "record_key",
    "child_id",
    "first_seen_date",
    "last_seen_date",
    "nights_seen",
    "is_open",
]


def cmd_quality(settings: Settings, args: argparse.Namespace) -> int:
    """The to-fix list from the published warehouse: open problems, newest first, grouped by rule."""
    import csv

    from ingest.spreadsheet import safe_row
    from warehouse.connection import table_exists
    from warehouse.serving import read_published

    require_warehouse(settings)
    where = "" if args.all else "where is_open"
    with read_published(settings) as con:
        if not table_exists(con, "data_quality", "data_quality_problems"):
            log.error("quality: the published warehouse has no data_quality mart yet: run `cscw nightly`")
            return 1
        rows = con.execute(
            f"select {', '.join(QUALITY_COLUMNS)} from data_quality.data_quality_problems {where} "
            "order by first_seen_date desc, rule, source, file_name, row_number"
        ).fetchall()
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(QUALITY_COLUMNS)
            writer.writerows(safe_row(r) for r in rows)
        log.info("quality: %d problem(s) written to %s", len(rows), args.csv)
        return 0
    _print_quality(rows, args.limit, "" if args.all else "open ")
    _print_return_flags(settings)
    return 0


def _print_return_flags(settings: Settings) -> None:
    """The latest return's DfE flags by rule: the other half of what the case-management team fixes."""
    from outputs.returns.status import describe, latest_statuses, year_label
    from warehouse.connection import connect, table_exists

    with connect(settings.warehouse, read_only=True) as con:
        if not table_exists(con, "data_quality", "return_validation_flags"):
            return
        for status in latest_statuses(con):
            print(f"  {describe(status)}")
            flags = con.execute(
                "select rule_code, severity, max(rule_description), count(distinct child_id) from "
                "data_quality.return_validation_flags where return_name = ? and collection_year = ? "
                "group by rule_code, severity order by severity, count(distinct child_id) desc, rule_code",
                [status["return_name"], status["collection_year"]],
            ).fetchall()
            for code, severity, description, children in flags:
                print(f"    rule {code:<6} {severity:<6} {children:>6,} child(ren)  {(description or '')[:80]}")
            if flags:
                print(
                    f"    (children by rule: data_quality.return_validation_flags, "
                    f"{status['return_name']} {year_label(status['collection_year'])})"
                )
    print()


def _print_quality(rows: list[tuple], limit: int, which: str) -> None:
    children = {r[8] for r in rows if r[8]}
    print(
        f"\n{len(rows):,} {which}problem(s) on {len(children):,} child(ren). Keys only; fix them in the source "
        "system and the next night closes them."
    )
    by_rule: dict[tuple, list[tuple]] = {}
    for row in rows:
        by_rule.setdefault((row[4], row[5], row[0], row[1], row[3]), []).append(row)
    for (rule, action, source, file_name, column), found in by_rule.items():
        where = f"{source} {file_name}" + (f" column {column}" if column else "")
        print(f"\n  {rule} ({action}): {len(found):,} in {where}")
        print(f"    {'first seen':<11} {'row':>7}  {'child':<14} key")
        for r in found[:limit]:
            print(f"    {str(r[9]):<11} {r[2] or '':>7}  {r[8] or '':<14} {r[7] or ''}")
        if len(found) > limit:
            print(f"    ... and {len(found) - limit:,} more (--csv FILE for the whole list)")
    print()
