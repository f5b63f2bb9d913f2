"""A night with nothing new (every landing snapshot in the ledger, the code that builds unchanged) does nothing."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli.nightly import night_record


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _runs(dagster_home: Path) -> int:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return instance.get_runs_count()


@pytest.mark.e2e
def test_a_night_with_nothing_new_publishes_nothing_and_says_so(two_nightlies_together, tmp_path):
    first = two_nightlies_together.settings
    assert 0 in two_nightlies_together.codes, two_nightlies_together.outputs
    assert night_record(first).exists(), "a published night records what it was built from"
    home = tmp_path / "cscw"
    # copy2 keeps the files' times, so the copy is the published night as it was left
    shutil.copytree(first.home, home, ignore=shutil.ignore_patterns("writer.lock"))
    published, build = (home / path.relative_to(first.home) for path in (first.warehouse, first.build_warehouse))
    before, runs = {path: _sha256(path) for path in (published, build)}, _runs(home / "dagster")

    env = {name: value for name, value in os.environ.items() if name not in ("CSCW_WAREHOUSE", "DAGSTER_HOME")}
    env["CSCW_HOME"] = str(home)
    night = subprocess.run(
        [str(Path(sys.executable).parent / "cscw"), "nightly"], env=env, capture_output=True, text=True, timeout=300
    )
    assert night.returncode == 0, night.stdout + night.stderr
    [line] = night.stdout.strip().splitlines()
    assert line.endswith(
        "nightly: nothing new since 2024-03-31 (every snapshot loaded, code unchanged): "
        f"the published warehouse {published} is as it was"
    ), line
    # What it did not do, not how long it took (a timed test fails under load; speed belongs in benchmarks/): no
    # run, so no gate and no dbt build, and neither file written (the gate's ledger and the models go to the build
    # file first).
    assert _runs(home / "dagster") == runs, "no Dagster run was launched"
    assert {path: _sha256(path) for path in (published, build)} == before, "a warehouse file was written"
