"""What a warehouse's raw layer holds, as one comparable value: whether a rebuild brought it back as it was."""

from __future__ import annotations

# When a row was written, not what it says: a rebuild writes them again.
WALL_CLOCK = {"_loaded_at", "recorded_at"}


def raw_state(con) -> dict[str, tuple[int, int]]:
    """Each raw table's rows and an order-free hash of them, less the wall-clock columns. The ledger counts
    distinct rows: a refused folder is gated, and recorded, again on every night until it is fixed."""
    state = {}
    tables = con.execute("select table_name from duckdb_tables() where schema_name = 'raw' order by 1").fetchall()
    for (table,) in tables:
        columns = ", ".join(
            f'"{name}"'
            for (name,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                "order by ordinal_position",
                [table],
            ).fetchall()
            if name not in WALL_CLOCK
        )
        rows = f"(select distinct {columns} from raw.{table})" if table == "_ledger" else f"raw.{table}"
        state[table] = con.execute(f"select count(*), sum(hash({columns})::hugeint) from {rows} as t").fetchone()
    return state
