"""Shared constants and readers of the synthetic generator's tests (tests/synthetic)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

END = date(2026, 3, 31)
NIGHT1, NIGHT2 = "2026-03-30", "2026-03-31"
TEMPS = {"T0", "T1", "T2", "T3", "T4"}
UPN_RE = re.compile(r"^[A-HJ-NPQRT-Z](\d{12}|\d{11}[A-Z])$")


def left_out(landing: Path, source: str, name: str, night: str) -> bool:
    """An optional table (ingest/contracts Entity.optional) the generator did not write: an extract may lack it."""
    from synthetic import OPTIONAL

    return (source, name) in OPTIONAL and not (landing / source / night / f"{name}.csv").exists()


def read(landing: Path, source: str, name: str, night: str = NIGHT2) -> pd.DataFrame:
    return pd.read_csv(landing / source / night / f"{name}.csv", dtype=str, keep_default_na=False)


def age(dob: pd.Series, on: pd.Series) -> pd.Series:
    on = pd.to_datetime(on)
    b = pd.to_datetime(dob)
    return (
        on.dt.year - b.dt.year - ((on.dt.month < b.dt.month) | ((on.dt.month == b.dt.month) & (on.dt.day < b.dt.day)))
    )


def with_periods(ep: pd.DataFrame) -> pd.DataFrame:
    ep = ep.copy()
    ep["period"] = (ep["RNE"] == "S").cumsum()
    return ep
