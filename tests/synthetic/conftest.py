"""The extracts every synthetic test reads: generated once per session, clean and with faults."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from synthetic import generate
from tests.support.once import built_once
from tests.synthetic.helpers import END, NIGHT2, read


@pytest.fixture(scope="session")
def landing(tmp_path_factory) -> Path:
    def build(root: Path) -> dict:
        counts = generate(root, end_date=END, nights=2, scale=0.2, seed=903)
        return {"root": str(root), "night2_episodes": counts[("placements", NIGHT2, "episodes.csv")]}

    built = built_once(tmp_path_factory, "landing", build)
    assert built["night2_episodes"] > 0
    return Path(built["root"])


@pytest.fixture(scope="session")
def episodes(landing) -> pd.DataFrame:
    ep = read(landing, "placements", "episodes")
    ep["s"] = pd.to_datetime(ep["DECOM"])
    ep["e"] = pd.to_datetime(ep["DEC"].replace("", None))
    return ep.sort_values(["CHILD", "s"]).reset_index(drop=True)


@pytest.fixture(scope="session")
def dob(landing) -> pd.Series:
    ch = read(landing, "case", "children")
    return pd.to_datetime(ch.set_index("child_id")["date_of_birth"])


@pytest.fixture(scope="session")
def faulty(tmp_path_factory) -> Path:
    def build(root: Path) -> str:
        generate(root, end_date=END, nights=2, scale=0.2, seed=903, faults="realistic")  # as `landing`, plus faults
        return str(root)

    return Path(built_once(tmp_path_factory, "faulty", build))
