"""Every ordinary mistake through the real CLI: one or two lines saying what happened and what to do,
exit 1, and no traceback (that is for --verbose)."""

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from orchestration.cli import main as cscw
from warehouse.connection import connect_duckdb

HOLD_LOCK = textwrap.dedent("""
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, f"pid {os.getpid()} (the test's stand-in writer)".encode())
    print("held", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def published(cscw_home):
    """A small published warehouse: one mart and a scorecard with two months."""
    with connect_duckdb(cscw_home.warehouse) as con:
        con.execute("create schema lac")
        con.execute("create table lac.lac_measures as select range as id, range / 3 as rate from range(5)")
        con.execute("create schema scorecard")
        con.execute(
            "create table scorecard.scorecard_indicators as select 'month' as period_type, d::date as period_end "
            "from (values ('2026-09-30'), ('2026-10-31')) v(d)"
        )
    return cscw_home


def _one_message(capsys, argv: list[str]) -> str:
    assert cscw(argv) == 1
    out, err = capsys.readouterr()
    lines = (out + err).splitlines()
    assert 1 <= len(lines) <= 2, lines
    assert "Traceback" not in out + err
    return out + err


@pytest.mark.parametrize(
    "argv",
    [["query", "select 1"], ["report"], ["summary"], ["quality"], ["return", "ssda903"], ["return", "cin"]],
)
def test_before_any_night_the_readers_say_run_nightly(cscw_home, capsys, argv):
    assert "run `cscw nightly`" in _one_message(capsys, argv)


def test_an_empty_landing_says_where_the_extracts_go(cscw_home, capsys):
    message = _one_message(capsys, ["nightly"])
    assert "nothing to build on" in message and str(cscw_home.landing) in message


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["report", "--month", "2026-13"], "is not YYYY-MM"),
        (["report", "--month", "2026-11"], "from 2026-09 to 2026-10"),
        (["report", "--month", "1990-01"], "from 2026-09 to 2026-10"),
        (["return", "ssda903", "--year", str(date.today().year + 2)], "has not ended"),
        (["accept", "placements", "2024-13-01"], "is not a date"),
    ],
)
def test_a_month_or_year_with_nothing_to_show_names_the_ones_there_are(published, capsys, argv, said):
    assert said in _one_message(capsys, argv)


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("select * from lac.lac_measurez", 'Did you mean "lac_measures"?'),
        ("select * from nowhere", "Table with name nowhere does not exist"),
        ("selec 1", 'syntax error at or near "selec"'),
        ("select 1; select * from lac.nothing", "Table with name nothing does not exist"),
        ("insert into lac.lac_measures values (9, 9)", "refused INSERT statement"),
        ("drop table lac.lac_measures", "refused DROP statement"),
        ("create table lac.mine as select 1", "refused CREATE statement"),
        ("attach 'elsewhere.duckdb' as other", "refused ATTACH statement"),
        ("", "no SQL given"),
    ],
)
def test_sql_errors_and_writes_are_one_line(published, capsys, sql, said):
    assert said in _one_message(capsys, ["query", sql])
    with connect_duckdb(published.warehouse, read_only=True) as con:
        assert con.execute("select count(*) from lac.lac_measures").fetchone() == (5,)


def test_copy_to_a_file_is_refused_and_writes_nothing(published, capsys, tmp_path):
    target = tmp_path / "out.csv"
    message = _one_message(capsys, ["query", f"copy lac.lac_measures to '{target}'"])
    assert "refused COPY statement" in message and "--output FILE" in message
    assert not target.exists()


def test_machine_formats_take_one_statement(published, capsys):
    assert "give one statement" in _one_message(capsys, ["query", "select 1; select 2", "--format", "json"])


def test_an_unwritable_output_is_one_line(published, capsys, tmp_path):
    message = _one_message(capsys, ["query", "select 1", "--output", str(tmp_path / "no" / "such" / "x.csv")])
    assert "cannot write" in message


def test_a_busy_writer_is_one_line(published, capsys, monkeypatch):
    monkeypatch.setenv("CSCW_LOCK_TIMEOUT", "0")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(published.writer_lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert "the test's stand-in writer" in _one_message(capsys, ["withdraw", "placements", "2024-04-01"])
    finally:
        holder.kill()
        holder.wait()


def test_a_bug_is_one_line_and_its_traceback_is_behind_verbose(published, capsys, monkeypatch):
    def broken(*args):
        raise ValueError("a bug\nwith a second line")

    monkeypatch.setattr("orchestration.cli.reading.require_warehouse", broken)
    message = _one_message(capsys, ["summary"])
    assert "unexpected ValueError: a bug" in message and "run again with --verbose" in message
    assert cscw(["--verbose", "summary"]) == 1
    assert "Traceback" in capsys.readouterr().out


def test_a_missing_validator_says_how_to_make_it(published, capsys, monkeypatch, tmp_path):
    """The return's job stands in for the dbt build and export (tests/returns builds them for real); the
    validation, and what the CLI makes of it, are the real ones."""
    from types import SimpleNamespace

    from outputs.returns.base import Exported
    from outputs.returns.ssda903 import RETURN

    monkeypatch.setattr("outputs.returns.ssda903.VALIDATOR_PYTHON", tmp_path / "no-venv" / "bin" / "python")
    folder = tmp_path / "ssda903" / "2026"
    folder.mkdir(parents=True)
    result = RETURN.validate(Exported(2026, folder, {"header": 3}), published.la_ons)
    job = SimpleNamespace(all_events=[], success=True, output_for_node=lambda node: SimpleNamespace(result=result))
    monkeypatch.setattr("orchestration.cli.returns.execute_job", lambda *args: (job, tmp_path / "dbt.log"))
    assert cscw(["return", "ssda903", "--year", "2026"]) == 1
    out, err = capsys.readouterr()
    # Before it, the progress of the run (the working copy started, the files written): the failure is one line.
    [failure] = [line for line in out.splitlines() if "NOT ready" in line]
    assert out.splitlines()[-1] == failure and "run scripts/setup.sh" in failure
    assert "Traceback" not in out + err


def test_a_config_file_the_warehouse_cannot_run_with_is_one_line(cscw_home, capsys):
    (cscw_home.home / "cscw.toml").write_text('[council]\nons_code = "E10000003"\ndfe_code = "873"\nname = "Norfolk"\n')
    message = _one_message(capsys, ["summary"])
    assert "Norfolk" in message and "E10000003" in message
