"""What the night's statutory return found, kept in the warehouse (schema data_quality) for everyone to read.

    data_quality.return_status             one row per return and collection year: ready or not, and counts
    data_quality.return_validation_flags   one row per place a DfE rule flags: rule, child, table, fields, row

The nightly export writes both into the working copy, replacing that return's rows in one transaction,
so the published warehouse carries the state of the return built from the same data as its marts.
A flag names the child by the pseudonymous CHILD id only and never holds another value from the row.
The same SQL runs on DuckDB and PostgreSQL; on PostgreSQL the analyst reads the schema through the
grants of macro grant_published_access (dbt_project/macros/engine.sql).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from outputs.returns.base import ReturnResult
from warehouse.connection import Connection, stage_frame, table_exists, unstage_frame

SCHEMA = "data_quality"
SSDA903 = "SSDA903"
DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {SCHEMA}.return_status (
    return_name varchar not null,
    collection_year integer,           -- by its end (2026 = 2025/26); null when there was nothing to return
    exported_at timestamp not null,    -- UTC
    ready boolean not null,            -- READY written beside the files
    error_rules integer,               -- the counts are null when the validator could not run
    error_rows integer,
    query_rules integer,
    skipped_rules integer,
    crashed_rules integer,
    children_with_errors integer,
    folder varchar
);
-- Added after the first release: a warehouse made before it gains the column on its next export.
alter table {SCHEMA}.return_status add column if not exists not_ready_because varchar;
create table if not exists {SCHEMA}.return_validation_flags (
    return_name varchar not null,
    collection_year integer not null,
    rule_code varchar not null,
    rule_description varchar,
    severity varchar not null,         -- error | query
    child_id varchar,                  -- CHILD, the pseudonymous id; null where the flagged row has none
    table_name varchar not null,       -- the validator's table: Header, Episodes, ..., Header_last for last year's
    fields varchar,                    -- the rule's affected fields in that table, comma-separated
    row_number integer                 -- 1-based data row of the file as sent, when the validator gives one
);
"""
STATUS_COLUMNS = [
    "return_name",
    "collection_year",
    "exported_at",
    "ready",
    "error_rules",
    "error_rows",
    "query_rules",
    "skipped_rules",
    "crashed_rules",
    "children_with_errors",
    "folder",
    "not_ready_because",  # what holds the return back besides its errors (a partial year, a missing table); '; '-joined
]
FLAG_COLUMNS = {
    "return_name": "varchar",
    "collection_year": "integer",
    "rule_code": "varchar",
    "rule_description": "varchar",
    "severity": "varchar",
    "child_id": "varchar",
    "table_name": "varchar",
    "fields": "varchar",
    "row_number": "integer",
}


def validation_flags(return_name: str, result: ReturnResult) -> list[dict]:
    """Every location of every failing rule, errors and queries (the validator's known false positives left out)."""
    if result.report is None:
        return []
    return [
        {
            "return_name": return_name,
            "collection_year": result.year,
            "rule_code": rule["code"],
            "rule_description": rule.get("description"),
            "severity": rule["severity"],
            "child_id": location.get("child"),
            "table_name": location["table"],
            "fields": ", ".join(location.get("fields") or []) or None,
            "row_number": location.get("row"),
        }
        for rule in result.report["rules"]
        if rule["status"] == "failed"
        for location in rule["locations"]
    ]


def status_row(return_name: str, result: ReturnResult | None, flags: list[dict]) -> dict:
    """The status row; `result` None when the return models held nothing to return."""
    status = dict.fromkeys(STATUS_COLUMNS)
    status.update(return_name=return_name, exported_at=datetime.now(UTC).replace(tzinfo=None), ready=False)
    if result is None:
        return status
    status.update(
        collection_year=result.year,
        ready=result.ready,
        folder=str(result.folder),
        not_ready_because="; ".join(result.blockers) or None,
    )
    if result.report is not None:
        summary = result.report["summary"]
        status.update(
            error_rules=summary["failed_error"],
            error_rows=summary["error_rows"],
            query_rules=summary["failed_query"],
            skipped_rules=summary["skipped"],
            crashed_rules=summary["crashed"],
            children_with_errors=len(
                {f["child_id"] for f in flags if f["severity"] == "error" and f["child_id"] is not None}
            ),
        )
    return status


def record_result(con: Connection, return_name: str, result: ReturnResult | None) -> dict:
    """Replace the return's rows for its collection year with this result's; returns the status row."""
    flags = validation_flags(return_name, result) if result is not None else []
    status = status_row(return_name, result, flags)
    record(con, status, flags)
    return status


def record_ssda903(con: Connection, result: ReturnResult | None) -> dict:
    return record_result(con, SSDA903, result)


def record(con: Connection, status: dict, flags: list[dict]) -> None:
    """One transaction: the return's (name, year) rows go, its new status and flags come in."""
    con.execute(DDL)
    key = [status["return_name"], status["collection_year"]]
    frame = pd.DataFrame(flags, columns=list(FLAG_COLUMNS)).astype(
        {name: ("Int64" if kind == "integer" else "string") for name, kind in FLAG_COLUMNS.items()}
    )
    con.execute("begin transaction")
    try:
        for table in ("return_status", "return_validation_flags"):
            con.execute(
                f"delete from {SCHEMA}.{table} where return_name = ? "
                "and collection_year is not distinct from cast(? as integer)",
                key,
            )
        con.execute(
            f"insert into {SCHEMA}.return_status ({', '.join(STATUS_COLUMNS)}) "
            f"values ({', '.join('?' for _ in STATUS_COLUMNS)})",
            [status[c] for c in STATUS_COLUMNS],
        )
        if flags:
            stage_frame(con, "_incoming_return_flags", frame)
            con.execute(
                f"insert into {SCHEMA}.return_validation_flags ({', '.join(FLAG_COLUMNS)}) select "
                + ", ".join(f"cast({name} as {kind})" for name, kind in FLAG_COLUMNS.items())
                + " from _incoming_return_flags"
            )
            unstage_frame(con, "_incoming_return_flags")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def latest_statuses(con: Connection) -> list[dict]:
    """The latest status row of each return (by export time); none before the first export."""
    if not table_exists(con, SCHEMA, "return_status"):
        return []
    cursor = con.execute(f"""
        select {", ".join(STATUS_COLUMNS)} from {SCHEMA}.return_status as status
        where exported_at = (select max(exported_at) from {SCHEMA}.return_status as later
                             where later.return_name = status.return_name)
        order by return_name""")
    return [dict(zip(STATUS_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _queries(rules: int | None) -> str:
    return f"{_count(rules, 'rule')} with queries" if rules else "no queries"


def year_label(year: int | None) -> str:
    """2026 -> 2025/26, as the DfE names a collection year."""
    return "" if year is None else f"{year - 1}/{year % 100:02d}"


def describe(status: dict) -> str:
    """One line: the return, its year and whether it can be sent, with why not."""
    name = f"{status['return_name']} {year_label(status['collection_year'])}".strip()
    if status["collection_year"] is None:
        return f"{name}: NOT READY: nothing to return (the return models hold no episodes)"
    folder = status["folder"]
    queries = status["query_rules"]
    if status["ready"]:
        return f"{name}: READY to submit ({_queries(queries)}); files in {folder}"
    if status["error_rules"] is None:
        return f"{name}: NOT READY: the DfE validator could not run; see {folder}/validation_report.md"
    reasons = (
        f"{_count(status['error_rules'], 'rule')} with errors on "
        f"{_count(status['children_with_errors'], 'child', 'children')}"
        if status["error_rules"]
        else ""
    )
    reasons = ", ".join(r for r in (reasons, status.get("not_ready_because")) if r) or "no rule ran"
    return f"{name}: NOT READY: {reasons}, {_queries(queries)}; report {folder}/validation_report.md"
