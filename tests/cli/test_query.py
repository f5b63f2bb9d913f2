"""cscw query's output: every column, floats rounded for people and kept whole for programs, each
statement's result, and the same text from DuckDB and PostgreSQL."""

import csv
import json

import pytest

from orchestration.cli import main as cscw
from orchestration.cli.query import display_value, split_statements
from warehouse.connection import PostgresConnection, connect_duckdb

# The same rows on either engine: an id, a double, text, a date and a NULL.
ROWS = (
    "select x as id, x / 3.0::double precision as rate, 'child ' || x as name, "
    "date '2026-01-01' + x::int as seen, null::varchar as note from {series}"
)
WIDE = "select " + ", ".join(f"{i} as column_with_a_long_name_{i}" for i in range(30))


@pytest.fixture
def published(cscw_home):
    with connect_duckdb(cscw_home.warehouse) as con:
        con.execute("create schema lac")
        con.execute("create table lac.t as " + ROWS.format(series="range(1, 51) r(x)"))
    return cscw_home


def _out(capsys, argv: list[str]) -> str:
    capsys.readouterr()
    assert cscw(argv) == 0
    return capsys.readouterr().out


def test_table_rounds_floats_and_shows_nulls(published, capsys):
    out = _out(capsys, ["query", "select * from lac.t order by id limit 2"])
    assert "0.3333 " in out and "0.6667 " in out and "0.33333" not in out
    assert "NULL" in out and "child 1" in out and "2026-01-02" in out
    assert "(2 rows)" in out


def test_wide_results_show_every_column(published, capsys):
    out = _out(capsys, ["query", WIDE])
    assert all(f"column_with_a_long_name_{i}" in out for i in range(30))


def test_several_statements_print_each_result(published, capsys):
    out = _out(capsys, ["query", "select count(*) as n from lac.t; select max(id) as top from lac.t;"])
    assert "│   n │\n├─────┤\n│  50 │" in out and "│   top │\n├───────┤\n│    50 │" in out


def test_rows_beyond_max_rows_are_counted_not_dropped_silently(published, capsys):
    out = _out(capsys, ["query", "select * from lac.t", "--max-rows", "3"])
    assert "(50 rows, 47 not shown" in out


def test_csv_and_json_keep_full_precision_and_every_row(published, capsys, tmp_path):
    target = tmp_path / "t.csv"
    assert cscw(["query", "select * from lac.t order by id", "--format", "csv", "--output", str(target)]) == 0
    with open(target, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50 and rows[0]["rate"] == repr(1 / 3) and rows[0]["note"] == ""
    records = json.loads(_out(capsys, ["query", "select * from lac.t order by id", "--format", "json"]))
    assert len(records) == 50
    assert records[0] == {"id": 1, "rate": 1 / 3, "name": "child 1", "seen": "2026-01-02", "note": None}


def test_markdown_is_a_pipe_table(published, capsys):
    out = _out(capsys, ["query", "select id, rate from lac.t order by id limit 1", "--format", "markdown"])
    assert out.splitlines()[:3] == ["|   id |   rate |", "|------|--------|", "|    1 | 0.3333 |"]


def test_display_rounds_without_hiding_small_values():
    assert [display_value(v) for v in (0.1 + 0.2, 2.0, 1e-9, None, 12, float("nan"))] == [
        "0.3",
        "2",
        "1e-09",
        "NULL",
        "12",
        "nan",
    ]


def test_statements_split_at_semicolons_outside_quotes_and_comments():
    sql = "select ';' as a; -- a comment; still\nselect \"x;y\" from t /* ; */; select $$;$$; ; -- end"
    assert split_statements(sql) == [
        "select ';' as a",
        '-- a comment; still\nselect "x;y" from t /* ; */',
        "select $$;$$",
    ]


def test_postgres_prints_what_duckdb_prints(published, capsys, postgres_database, monkeypatch):
    with PostgresConnection() as con:
        con.execute("create schema lac")
        con.execute("create table lac.t as " + ROWS.format(series="generate_series(1, 50) g(x)"))
    query = "select * from lac.t order by id limit 5"
    on_postgres = _out(capsys, ["query", query])
    monkeypatch.setenv("CSCW_TARGET", "duckdb")
    assert _out(capsys, ["query", query]) == on_postgres


def test_postgres_refuses_copy_and_says_sql_errors_in_a_line(published, capsys, postgres_database):
    assert cscw(["query", "copy (select 1) to stdout"]) == 1
    assert cscw(["query", "select * from lac.nowhere"]) == 1
    out, err = capsys.readouterr()
    assert "refused COPY statement" in out and 'relation "lac.nowhere" does not exist' in out
    assert len(out.splitlines()) == 2 and "Traceback" not in out + err
