"""The first night every e2e test that needs one builds on: run once per session, copied, never written."""

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_LANDING
from tests.support.once import built_once
from warehouse.settings import get_settings


@dataclasses.dataclass
class Contest:
    settings: object
    pids: list[int]
    codes: list[int]
    outputs: list[str]


@pytest.fixture(scope="session")
def two_nightlies_together(tmp_path_factory) -> Contest:
    """`cscw nightly` twice, started at the same moment on a new CSCW_HOME holding the fixture extracts.

    The winner's night is the first night the serving and kill tests build on (they copy its files)."""

    def contest(work: Path) -> dict:
        home = work / "cscw"
        shutil.copytree(FIXTURE_LANDING, dataclasses.replace(get_settings(), home=home).landing)
        env = {name: value for name, value in os.environ.items() if name not in ("CSCW_WAREHOUSE", "DAGSTER_HOME")}
        env.update(CSCW_HOME=str(home), CSCW_LOCK_TIMEOUT="5")
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
        }

    # Once per run, not per xdist worker: the tests only read the winner's files or copy them.
    held = built_once(tmp_path_factory, "together", contest)
    settings = dataclasses.replace(get_settings(), home=Path(held["home"]))
    return Contest(settings, held["pids"], held["codes"], held["outputs"])
