"""kill -9 at 20 moments spread over a night: the published warehouse stays readable and as it was, and the
next night completes (warehouse/serving.py).

A night here takes 40 to 120 s, so 20 nights each killed at its moment would take 10 to 20 minutes. Instead
one night, `cscw nightly` in its own process group, is frozen (SIGSTOP to the group: the night and its dbt)
at 19 moments and let go again, and killed (SIGKILL to the group) at the 20th. While the night is frozen
its files are exactly what a kill at that instant would leave (a kill writes nothing more; the page cache
is the file), so at each moment the test checks the published file, byte for byte, copies the files and,
runs the next night's start (start_working_copy) on the copy before letting it go. The moments are
drawn from a seeded RNG inside the stages of the night, each stage detected live from the run's Dagster
event log and timed from the first night: startup, each ingest step, the gate, dbt, the SSDA903 return;
the 20th, the real kill, comes while publish is copying the file, the most delicate moment (its temporary
file exists). Then a night that is not killed completes and publishes the new snapshot; a last test sets
both files aside as damaged and checks that the night's ingest rebuilds the same raw tables from landing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import FIXTURE_LANDING
from tests.support.fingerprint import raw_state
from tests.support.first_night import copy_first_night, next_day_placements
from warehouse.connection import connect_duckdb
from warehouse.serving import damage, start_working_copy
from warehouse.settings import DBT_PROJECT_DIR, Settings

# A night frozen and killed at each moment, then a whole night (pyproject.toml lists the slow tests).
pytestmark = pytest.mark.slow

SEED = 903
# Moments frozen per stage (19), then the kill during publish's copy: 20.
PLAN = {
    "startup": 2,
    "raw_camhs": 1,
    "raw_case": 1,
    "raw_placements": 1,
    "raw_reference": 1,
    "raw_reference_packages": 1,
    "raw_finance": 1,
    "raw_gate": 1,
    "dbt_models": 8,
    "exports__ssda903_return": 2,
}
STARTUP_SECONDS = 4.0  # before the run's first step: imports, the writer lock, the working copy's start
# A stage of this night takes about this share of its length on the first night, which loaded every source and
# the postcode packages and built dbt's tables for the first time; a moment past its stage's end comes at once.
SECOND_NIGHT_SHARE = 0.75
OBSERVE = """
    select (select count(*) from raw._ledger where status = 'loaded'),
           (select max(extract_date)::varchar from raw.placements__header),
           (select count(*) from raw.placements__header),
           (select max(extract_date)::varchar from staging.stg_placements__episodes),
           (select count(*) from lac.lac_placements),
           (select count(*) from case_management.child_journey)
"""


def observe(path: Path) -> list:
    with connect_duckdb(path, read_only=True) as con:
        return list(con.execute(OBSERVE).fetchone())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(2**22):
            digest.update(chunk)
    return digest.hexdigest()


def step_times(dagster_home: Path) -> dict[str, float]:
    """How long each step of the (only) run in a Dagster home took."""
    [db] = [p for p in (dagster_home / "history" / "runs").glob("*.db") if p.name != "index.db"]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            "select step_key, dagster_event_type, timestamp from event_logs "
            "where dagster_event_type in ('STEP_START', 'STEP_SUCCESS') order by id"
        ).fetchall()
    started, took = {}, {}
    for step, kind, at in rows:
        seconds = time.mktime(time.strptime(at[:19], "%Y-%m-%d %H:%M:%S")) + float("0" + at[19:])
        if kind == "STEP_START":
            started[step] = seconds
        else:
            took[step] = seconds - started[step]
    return took


class RunSteps:
    """The steps of the one run in a Dagster home as they start and end, read from its event log."""

    def __init__(self, dagster_home: Path):
        self.runs = dagster_home / "history" / "runs"
        self.con: sqlite3.Connection | None = None
        self.last_id = 0
        self.started: dict[str, float] = {}  # step -> time.monotonic() when seen starting
        self.ended: set[str] = set()

    def poll(self) -> None:
        if self.con is None:
            dbs = [p for p in self.runs.glob("*.db") if p.name != "index.db"] if self.runs.exists() else []
            if not dbs:
                return
            self.con = sqlite3.connect(f"file:{dbs[0]}?mode=ro", uri=True, timeout=0.2)
        try:
            rows = self.con.execute(
                "select id, step_key, dagster_event_type from event_logs where id > ? and "
                "dagster_event_type in ('STEP_START', 'STEP_SUCCESS', 'STEP_FAILURE') order by id",
                [self.last_id],
            ).fetchall()
        except sqlite3.OperationalError:  # mid-write (or frozen mid-write): next time
            return
        for event_id, step, kind in rows:
            self.last_id = event_id
            if kind == "STEP_START":
                self.started[step] = time.monotonic()
            else:
                self.ended.add(step)

    @property
    def current(self) -> str:
        running = [s for s in self.started if s not in self.ended]
        return running[-1] if running else ("startup" if not self.started else f"after {list(self.started)[-1]}")


def moments(first_night_steps: dict[str, float]) -> list[tuple[str, float]]:
    """(stage, seconds into the stage) for the 19 frozen moments, from the seeded RNG, in night order."""
    rng = random.Random(SEED)
    planned = []
    for stage, count in PLAN.items():
        length = STARTUP_SECONDS if stage == "startup" else first_night_steps[stage] * SECOND_NIGHT_SHARE
        planned += [(stage, offset) for offset in sorted(rng.uniform(0, length) for _ in range(count))]
    return planned


@dataclasses.dataclass
class KilledNight:
    settings: object
    before_sha: str
    before: list
    seen: list[dict]  # one per moment: stage, what the checks found
    killed_code: int
    stale_after_kill: list[str]
    final_code: int
    final_output: str
    after: list
    took: dict[str, float]
    repo_targets: tuple[set[str], set[str]]


def _processes_in(group: int) -> list[str]:
    states = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            states.append(fields[0])
    return states


def _freeze(group: int) -> None:
    os.killpg(group, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while any(state not in "TtZX" for state in _processes_in(group)) and time.monotonic() < deadline:
        time.sleep(0.005)


def _snapshot(settings, into: Path):
    """The files a kill at this instant leaves, for the next night's start to run on (the published file linked)."""
    copy = dataclasses.replace(settings, home=into)
    into.mkdir()
    shutil.copytree(settings.build_warehouse.parent, copy.build_warehouse.parent)
    os.link(settings.warehouse, copy.warehouse)
    for stale in settings.home.glob(".warehouse.duckdb.*"):
        shutil.copy(stale, into / stale.name)
    return copy


def _next_start(copy) -> dict:
    """The next night's first step on what the kill left: temporary files gone, a working copy that reads."""
    start_working_copy(copy)
    found = {
        "temporaries": sorted(p.name for p in copy.home.glob(".warehouse.duckdb.*")),
        "working_copy_damage": damage(copy.build_warehouse),
        "set_aside": sorted(p.name for p in copy.home.rglob("*.damaged-*")),
    }
    with connect_duckdb(copy.build_warehouse, read_only=True) as con:
        found["loaded_files"] = con.execute("select count(*) from raw._ledger where status = 'loaded'").fetchone()[0]
    shutil.rmtree(copy.home)
    return found


def _next_day_home(first: Settings, work: Path) -> Settings:
    """A copy of the first night's home with the next day's placements snapshot waiting: one child more."""
    settings = copy_first_night(first, dataclasses.replace(first, home=work / "cscw"))
    next_day_placements(settings.landing)
    return settings


def _published_now(settings: Settings, planned: str, stage: str) -> dict:
    return {
        "planned": planned,
        "stage": stage,
        "published_sha": sha256(settings.warehouse),
        "published": observe(settings.warehouse),
    }


def _frozen_moment(
    settings: Settings, group: int, steps: RunSteps, planned: str, into: Path
) -> tuple[dict, tuple[float, float]]:
    """Freeze the night, check the published file, copy the files and run the next start on the copy, then let
    the night go; returns the moment and the interval the night was frozen."""
    _freeze(group)
    frozen_at = time.monotonic()
    steps.poll()
    moment = _published_now(settings, planned, steps.current)
    copy = _snapshot(settings, into)
    # The next start runs on the copy while the night is still frozen: were the night let go first, it
    # could publish (half a second) while this check runs and the kill's moment would be missed.
    moment.update(_next_start(copy))
    os.killpg(group, signal.SIGCONT)
    return moment, (frozen_at, time.monotonic())


def _night_frozen_then_killed(
    settings: Settings, cscw: list[str], env: dict[str, str], plan: list[tuple[str, float]], work: Path
) -> tuple[subprocess.Popen, list[dict]]:
    """Run the night, frozen at each planned moment and killed while publish copies the file; returns the night's
    process and the moments seen."""
    seen: list[dict] = []
    frozen: list[tuple[float, float]] = []  # when the night was frozen: not part of any stage's running time

    def running_since(start: float) -> float:
        return time.monotonic() - start - sum(end - max(begin, start) for begin, end in frozen if end > start)

    with open(work / "killed-night.log", "w") as out:
        night = subprocess.Popen(cscw, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    group, launched = night.pid, time.monotonic()
    steps = RunSteps(settings.dagster_home)
    try:
        while night.poll() is None and time.monotonic() - launched < 900:
            steps.poll()
            if any(settings.home.glob(".warehouse.duckdb.*.publishing")):
                _freeze(group)  # stopped first, so the check sees exactly what the kill leaves
                seen.append(_published_now(settings, "publishing", "publishing (killed)"))
                os.killpg(group, signal.SIGKILL)
                break
            if plan:
                stage, offset = plan[0]
                stage_start = launched if stage == "startup" else steps.started.get(stage)
                # Due once its offset has run, or at once when its stage ended sooner than on the first night.
                if stage_start is not None and (running_since(stage_start) >= offset or stage in steps.ended):
                    plan.pop(0)
                    moment, interval = _frozen_moment(settings, group, steps, stage, work / f"moment-{len(seen):02d}")
                    frozen.append(interval)
                    seen.append(moment)
                    continue
            time.sleep(0.02)
    finally:
        if night.poll() is None:
            os.killpg(group, signal.SIGKILL)
        night.wait(timeout=60)
    return night, seen


@pytest.fixture(scope="module")
def killed_night(two_nightlies_together, tmp_path_factory) -> KilledNight:
    started = time.monotonic()
    first = two_nightlies_together.settings
    assert 0 in two_nightlies_together.codes, two_nightlies_together.outputs
    work = tmp_path_factory.mktemp("kills")
    settings = _next_day_home(first, work)
    before_sha, before = sha256(settings.warehouse), observe(settings.warehouse)
    repo_targets = {p.name for p in (DBT_PROJECT_DIR / "target").glob("dbt_models-*")}

    env = {name: value for name, value in os.environ.items() if name not in ("CSCW_WAREHOUSE", "DAGSTER_HOME")}
    env["CSCW_HOME"] = str(settings.home)
    cscw = [str(Path(sys.executable).parent / "cscw"), "nightly"]
    night, seen = _night_frozen_then_killed(settings, cscw, env, moments(step_times(first.dagster_home)), work)
    stale = sorted(p.name for p in settings.home.glob(".warehouse.duckdb.*"))
    log = (work / "killed-night.log").read_text()
    assert night.returncode == -signal.SIGKILL, f"the night ended before its kill:\n{log[-4000:]}"

    final = subprocess.run(cscw, env=env, capture_output=True, text=True, timeout=900)
    return KilledNight(
        settings,
        before_sha,
        before,
        seen,
        night.returncode,
        stale,
        final.returncode,
        final.stdout + final.stderr,
        observe(settings.warehouse),
        {"total": time.monotonic() - started},
        (repo_targets, {p.name for p in (DBT_PROJECT_DIR / "target").glob("dbt_models-*")}),
    )


# Every file of the fixtures' first night is one loaded ledger row.
FIRST_NIGHT_FILES = sum(1 for path in FIXTURE_LANDING.rglob("*") if path.is_file())


@pytest.mark.e2e
def test_kill_9_at_20_moments_leaves_the_published_warehouse_as_it_was_and_the_next_night_completes(killed_night):
    k = killed_night
    print(f"\n{len(k.seen)} moments in {k.took['total']:.0f}s:", ", ".join(m["stage"] for m in k.seen))
    assert len(k.seen) == 20
    assert all(m["published_sha"] == k.before_sha for m in k.seen), "the published file changed before publish"
    assert all(m["published"] == k.before for m in k.seen), "the published warehouse read differently"
    for m in k.seen[:-1]:  # the next night's start on what a kill at each moment leaves
        assert m["temporaries"] == [] and m["working_copy_damage"] is None and m["set_aside"] == [], m
        assert m["loaded_files"] in (FIRST_NIGHT_FILES, FIRST_NIGHT_FILES + 5), m  # and placements' 5 next
    stages = [m["stage"] for m in k.seen]
    assert stages.count("dbt_models") >= 4 and "exports__ssda903_return" in stages, stages
    assert len({s for s in stages if s.startswith("raw_")}) >= 3 and "startup" in stages, stages
    assert stages[-1] == "publishing (killed)"

    assert k.killed_code == -signal.SIGKILL
    assert len(k.stale_after_kill) == 1 and k.stale_after_kill[0].endswith(".publishing"), k.stale_after_kill
    assert k.final_code == 0, k.final_output[-4000:]
    assert "left by a writer killed half way" in k.final_output
    assert k.after[:3] == [FIRST_NIGHT_FILES + 5, "2024-04-01", 4] and k.after[3] == "2024-04-01", k.after
    assert [p.name for p in k.settings.home.iterdir() if p.name.startswith(".")] == []


@pytest.mark.e2e
def test_nights_leave_no_dbt_target_folders_in_the_repository(killed_night):
    before, after = killed_night.repo_targets
    assert after <= before, f"new dbt target folders in {DBT_PROJECT_DIR / 'target'}: {sorted(after - before)}"
    runs = sorted(p.name for p in (killed_night.settings.home / "logs" / "dbt").iterdir())
    # The killed night's (killed while publishing, after dbt) and the next one's, each with dbt's results.
    assert len(runs) == 2 and all(
        (killed_night.settings.home / "logs" / "dbt" / r / "run_results.json").exists() for r in runs
    ), runs


@pytest.mark.e2e
def test_both_files_damaged_the_night_rebuilds_the_same_raw_tables_from_landing(killed_night, cscw_home):
    from orchestration.definitions import defs

    done = killed_night.settings
    shutil.copytree(done.landing, cscw_home.landing, dirs_exist_ok=True)
    for path in (done.warehouse, done.build_warehouse):
        copy = cscw_home.home / path.relative_to(done.home)
        shutil.copy(path, copy)
        os.truncate(copy, copy.stat().st_size // 2)
    with connect_duckdb(done.warehouse, read_only=True) as con:
        expected = raw_state(con)

    definitions = defs()
    ingest = [spec.key for spec in definitions.resolve_all_asset_specs() if spec.group_name.startswith("ingest_")]
    with dg.DagsterInstance.ephemeral() as instance:  # the night's first steps: the same start, the same ingest
        result = definitions.resolve_job_def("nightly").execute_in_process(instance=instance, asset_selection=ingest)
    assert result.success
    assert len(list(cscw_home.home.glob("warehouse.duckdb.damaged-*"))) == 1
    assert len(list(cscw_home.build_warehouse.parent.glob("warehouse.duckdb.damaged-*"))) == 1
    with connect_duckdb(cscw_home.build_warehouse, read_only=True) as con:
        assert raw_state(con) == expected
