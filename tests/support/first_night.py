"""The session's first night, which the tests that need a night behind them build on: run once per session
(`two_nightlies_together`, a pytest plugin of tests/conftest.py), copied, never written."""

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_LANDING, TESTS
from tests.support.once import built_once
from warehouse.settings import Settings, get_settings


@dataclasses.dataclass
class Contest:
    settings: object
    pids: list[int]
    codes: list[int]
    outputs: list[str]
    sockets: str  # the network connections the nights tried (tests/support/sitecustomize.py refused them)


@pytest.fixture(scope="session")
def two_nightlies_together(tmp_path_factory) -> Contest:
    """`cscw nightly` twice, started at the same moment on a new CSCW_HOME holding the fixture extracts, with no
    network: every Python process they start (dbt too) refuses and records any connection.

    The winner's night is the first night the other tests build on (they copy its files: `copy_first_night`)."""

    def contest(work: Path) -> dict:
        home = work / "cscw"
        shutil.copytree(FIXTURE_LANDING, dataclasses.replace(get_settings(), home=home).landing)
        # A folder of its own: tests/support on the path would hide the project's packages behind its modules.
        (work / "offline").mkdir()
        shutil.copy(TESTS / "support" / "sitecustomize.py", work / "offline")
        sockets = work / "sockets.log"
        env = {name: value for name, value in os.environ.items() if name not in ("CSCW_WAREHOUSE", "DAGSTER_HOME")}
        path = os.pathsep.join(filter(None, [str(work / "offline"), os.environ.get("PYTHONPATH")]))
        env.update(CSCW_HOME=str(home), CSCW_LOCK_TIMEOUT="5", CSCW_SOCKET_LOG=str(sockets), PYTHONPATH=path)
        cscw = Path(sys.executable).parent / "cscw"
        nights = [
            subprocess.Popen(
                [str(cscw), "nightly"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for _ in range(2)
        ]
        outputs = [night.communicate(timeout=900)[0] for night in nights]
        return {
            "home": str(home),
            "pids": [n.pid for n in nights],
            "codes": [n.returncode for n in nights],
            "outputs": outputs,
            "sockets": sockets.read_text() if sockets.exists() else "",
        }

    # Once per run, not per xdist worker: the tests only read the winner's files or copy them.
    held = built_once(tmp_path_factory, "together", contest)
    settings = dataclasses.replace(get_settings(), home=Path(held["home"]))
    return Contest(settings, held["pids"], held["codes"], held["outputs"], held["sockets"])


def copy_first_night(first: Settings, settings: Settings) -> Settings:
    """The first night's landing, build and published files into `settings`' home, to build the next night on."""
    settings.ensure_dirs()
    shutil.copytree(first.landing, settings.landing, dirs_exist_ok=True)
    for path in (first.warehouse, first.build_warehouse):
        shutil.copy(path, settings.home / path.relative_to(first.home))
    return settings


def next_day_placements(landing: Path) -> Path:
    """The fixtures' placements snapshot again the next day with one child more (so it is not a resend)."""
    night = landing / "placements" / "2024-04-01"
    shutil.copytree(landing / "placements" / "2024-03-31", night)
    with open(night / "header.csv", "a") as handle:
        handle.write("C0000004,F,2015-01-01,WBRI,UN3,,\n")
    return night
