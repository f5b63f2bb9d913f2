"""Two nights started together, then readers during a real night (warehouse/serving.py).

The two-nights test's winner (tests/support/first_night.py, once a session) is the first night the readers'
test builds on, so the module runs two full nightly loads, not three.
"""

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import FIXTURE_LANDING
from tests.support.first_night import copy_first_night, next_day_placements
from tests.support.permissions import loose_modes
from warehouse.connection import connect_duckdb

# Every landing file of the fixtures: one loaded ledger row each.
FIXTURE_FILES = sum(1 for path in FIXTURE_LANDING.rglob("*") if path.is_file())

# Raw (the ledger, an extract date), staging and marts from one file: a reader of a file that a night
# writes in place would see raw move before the marts do.
OBSERVE = """
    select (select count(*) from raw._ledger),
           (select max(extract_date)::varchar from raw.placements__episodes),
           (select max(extract_date)::varchar from staging.stg_placements__episodes),
           (select count(*) from lac.lac_placements),
           (select count(*) from lac.lac_month_end_snapshots),
           (select count(*) from case_management.child_journey)
"""
# Analysts in other processes: one holds a connection all night ("held"), one connects afresh each time
# ("fresh"). Separate processes, because DuckDB shares one open database per path within a process.
READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb

    path, stop, sql, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    held = duckdb.connect(path, read_only=True) if mode == "held" else None
    while not stop.exists():
        started = time.time()
        try:
            con = held or duckdb.connect(path, read_only=True)
            line = {"at": started, "seen": list(con.execute(sql).fetchone())}
            if not held:
                con.close()
        except Exception as error:
            line = {"at": started, "error": repr(error)}
        print(json.dumps(line), flush=True)
        time.sleep(0.2)  # a few reads a second, leaving the cores to the load
""")


def observe(path: Path) -> list:
    with connect_duckdb(path, read_only=True) as con:
        return list(con.execute(OBSERVE).fetchone())


@pytest.mark.e2e
def test_two_nightly_loads_started_together_one_waits_then_refuses(two_nightlies_together):
    contest = two_nightlies_together
    assert sorted(contest.codes) == [0, 1], contest.outputs
    winner, loser = (0, 1) if contest.codes[0] == 0 else (1, 0)
    refused = contest.outputs[loser]
    assert "nightly: waiting for the writer lock" in refused, refused
    assert (
        f"nightly: REFUSED: another writer holds {contest.settings.writer_lock} (pid {contest.pids[winner]} ("
        in refused
    ), refused
    assert "gave up after waiting 5s" in refused and "Nothing was changed" in refused, refused
    assert "nightly: done in" in contest.outputs[winner]

    # The winner's night is complete and published: every landing file loaded exactly once.
    home = contest.settings
    with connect_duckdb(home.warehouse, read_only=True) as con:
        assert con.execute(
            "select count(*), count(distinct (source, extract_date, file_name)) from raw._ledger "
            "where status = 'loaded'"
        ).fetchone() == (FIXTURE_FILES, FIXTURE_FILES)
        assert con.execute("select count(*) from staging.stg_case__children").fetchone()[0] == 3
    assert observe(home.warehouse) == observe(home.build_warehouse)
    assert (
        loose_modes(home.warehouse, home.build_warehouse.parent, home.exports, home.home / "logs", home.writer_lock)
        == []
    )


@pytest.mark.e2e
def test_reader_during_a_nightly_load_sees_only_complete_builds(two_nightlies_together, cscw_home, tmp_path):
    from orchestration.definitions import defs

    first = two_nightlies_together.settings
    assert first.warehouse.exists(), "no first night to build on"
    copy_first_night(first, cscw_home)
    before = observe(cscw_home.warehouse)
    next_day_placements(cscw_home.landing)

    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(cscw_home.warehouse), str(stop), OBSERVE, mode],
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("held", "fresh")
    }
    try:
        for reader in readers.values():
            assert json.loads(reader.stdout.readline())["seen"] == before, "the readers are reading"
        with dg.DagsterInstance.ephemeral() as instance:
            load_started = time.time()
            result = defs().resolve_job_def("nightly").execute_in_process(instance=instance)
            load_ended = time.time()
        time.sleep(1.0)  # a few more reads of the new build
    finally:
        stop.touch()
        outputs = {mode: reader.communicate(timeout=60)[0] for mode, reader in readers.items()}
    assert result.success
    after = observe(cscw_home.warehouse)
    assert after != before and after[0] > before[0] and after[2] == "2024-04-01"

    held, fresh = ([json.loads(line) for line in outputs[mode].splitlines()] for mode in ("held", "fresh"))
    assert [line for line in held + fresh if "error" in line] == [], "a reader was blocked or saw a broken file"
    assert all(line["seen"] == before for line in held), "an open connection changed build under its reader"
    assert all(line["seen"] in (before, after) for line in fresh), "a reader saw a mix of two builds"
    during = [line for line in fresh if load_started < line["at"] < load_ended]
    assert len(during) > 10, "the reader did not read during the load"
    assert during[0]["seen"] == before
    assert fresh[-1]["seen"] == after, "a new connection after the load did not see the new build"
    # Once a new connection saw the new build, no later one went back to the old.
    first_after = next(i for i, line in enumerate(fresh) if line["seen"] == after)
    assert all(line["seen"] == after for line in fresh[first_after:])
