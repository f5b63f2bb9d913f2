"""raw.<source>__<entity>__history: every row each published snapshot of a raw table had, and for which dates.

A row's identity is its hash (md5 of the contract columns' values, so never _row_number, extract_date, _loaded_at
or _source_file) and its occurrence among identical rows (1, 2, ...: two identical rows are two history rows,
and a snapshot with one of them left closes exactly one). valid_from is the extract date of the first snapshot
that had it, valid_to that of the first snapshot that no longer had it (NULL while the raw table has it).

Publishing a snapshot diffs it against the history's open rows in the publish transaction, in SQL: only new
rows are inserted and only removed ones closed (a changed row is both), so a resent or identical snapshot
writes nothing. Withdrawing a snapshot takes its date out of the history (`withdraw_date`), as if it had
never loaded. The history begins with the first snapshot loaded after it was introduced; a contract that
gains a column reopens every row once (the hash covers the new column).
"""

from __future__ import annotations

from datetime import date, datetime

from ingest.contracts import Entity
from warehouse.connection import Connection, quote

# The snapshot's rows, hashed and numbered; dropped again before the publish commits.
_INCOMING = "_history_incoming"


def history_table(entity: Entity) -> str:
    return f"raw.{entity.token}__history"


def as_of(entity: Entity) -> str:
    """The rows raw.<token> had on date `?`: those of the last snapshot loaded on or before it."""
    columns = ", ".join(quote(c) for c in entity.raw_names)
    return (
        f"select {columns} from {history_table(entity)} "
        "where valid_from <= cast(? as date) and (valid_to is null or valid_to > cast(? as date))"
    )


def changed_on(entity: Entity) -> str:
    """What the snapshot of date `?` changed: each row it added and each it removed (a changed row is both)."""
    columns = ", ".join(quote(c) for c in entity.raw_names)
    return (
        f"select case when valid_from = cast(? as date) then 'added' else 'removed' end as change, {columns} "
        f"from {history_table(entity)} where valid_from = cast(? as date) or valid_to = cast(? as date)"
    )


def row_hash(columns: list[str]) -> str:
    """The SQL of a row's hash. Each value is written as v<length>:<text>, a NULL as n, so NULL, '' and 'NULL'
    differ and no value can run into the next column's; `||` and md5 read the same on DuckDB and PostgreSQL.
    The text is the engine's own: the same for text, dates and whole numbers on both, not for every float
    (DuckDB writes 1.0, PostgreSQL 1), which matters only to a warehouse moved from one engine to the other."""
    parts = [
        f"coalesce('v' || cast(length(cast({quote(c)} as varchar)) as varchar) || ':' || cast({quote(c)} as varchar),"
        " 'n')"
        for c in columns
    ]
    return f"md5({' || '.join(parts)})"


def ensure_history(con: Connection, entity: Entity) -> None:
    """Create the history beside raw.<token> (which must exist), its columns typed as the raw table's."""
    columns = ", ".join(quote(c) for c in entity.raw_names)
    con.execute(
        f"create table if not exists {history_table(entity)} as select {columns}, "
        "cast(null as varchar) as _row_hash, cast(null as integer) as _occurrence, cast(null as date) as valid_from, "
        f"cast(null as date) as valid_to, cast(null as timestamp) as _loaded_at from raw.{entity.token} where 1 = 0"
    )
    _add_new_columns(con, entity)


def _add_new_columns(con: Connection, entity: Entity) -> None:
    """A column the contract gained since the history was created, typed as in the raw table."""
    have = {d[0] for d in con.execute(f"select * from {history_table(entity)} where 1 = 0").description}
    missing = [name for name in entity.raw_names if name not in have]
    if not missing:
        return
    typed = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [entity.token],
        ).fetchall()
    )
    for name in missing:
        con.execute(f"alter table {history_table(entity)} add column {quote(name)} {typed[name]}")


def record_snapshot(con: Connection, entity: Entity, extract_date: date, loaded_at: datetime) -> None:
    """Bring the history to what raw.<token> now holds, the snapshot of `extract_date` (inside the caller's
    transaction). A date published before (its folder changed since) is taken out first, so it is replaced."""
    ensure_history(con, entity)
    history, columns = history_table(entity), entity.raw_names
    dated = f"select count(*) from {history} where valid_from = cast(? as date) or valid_to = cast(? as date)"
    if con.execute(dated, [extract_date, extract_date]).fetchone()[0]:
        withdraw_date(con, entity, extract_date, None)
    names = ", ".join(quote(c) for c in columns)
    con.execute(f"drop table if exists {_INCOMING}")
    con.execute(
        f"create temporary table {_INCOMING} as select *, row_number() over (partition by _row_hash) as _occurrence "
        f"from (select {names}, {row_hash(columns)} as _row_hash from raw.{entity.token}) as snapshot"
    )
    same = "i._row_hash = h._row_hash and i._occurrence = h._occurrence"
    con.execute(
        f"update {history} as h set valid_to = ? where h.valid_to is null "
        f"and not exists (select 1 from {_INCOMING} as i where {same})",
        [extract_date],
    )
    con.execute(
        f"insert into {history} ({names}, _row_hash, _occurrence, valid_from, valid_to, _loaded_at) "
        f"select {names}, _row_hash, _occurrence, cast(? as date), cast(null as date), cast(? as timestamp) "
        f"from {_INCOMING} as i where not exists (select 1 from {history} as h where h.valid_to is null and {same})",
        [extract_date, loaded_at],
    )
    con.execute(f"drop table {_INCOMING}")


def withdraw_date(con: Connection, entity: Entity, withdrawn: date, following: date | None) -> None:
    """Take the snapshot of `withdrawn` out of the history, as if it had never loaded; `following` is the next
    snapshot loaded after it (None when it was the latest: what it removed is open again)."""
    history = history_table(entity)
    same = "n._row_hash = h._row_hash and n._occurrence = h._occurrence"
    # A row gone at `withdrawn` and back at `following`: one interval again (the later one is then removed).
    back = f"from {history} as n where n.valid_from = cast(? as date) and {same}"
    con.execute(
        f"update {history} as h set valid_to = (select n.valid_to {back}) "
        f"where h.valid_to = cast(? as date) and exists (select 1 {back})",
        [following, withdrawn, following],
    )
    con.execute(
        f"delete from {history} as h where h.valid_from = cast(? as date) and exists (select 1 from {history} as n "
        f"where {same} and n.valid_from < h.valid_from and n.valid_to is not distinct from h.valid_to)",
        [following],
    )
    # Any other row gone at `withdrawn` went at `following` (or, with none, is there still).
    con.execute(
        f"update {history} set valid_to = cast(? as date) where valid_to = cast(? as date)", [following, withdrawn]
    )
    # A row first had at `withdrawn` never was if `following` lacked it; else it starts at `following`.
    con.execute(
        f"delete from {history} where valid_from = cast(? as date) and valid_to is not distinct from cast(? as date)",
        [withdrawn, following],
    )
    con.execute(
        f"update {history} set valid_from = cast(? as date) where valid_from = cast(? as date)", [following, withdrawn]
    )
