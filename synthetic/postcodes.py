"""Real postcodes for HOME_POST / PL_POST, drawn from the ONS directory packaged on PyPI.

The DfE derives PL_LA, PL_LOCATION and PL_DISTANCE from these, and validator rule 392c rejects
postcodes missing from the ONS directory, so fake-looking codes will not do. The pool is a fixed,
seeded sample of the council's own postcodes and of those around it, so distances are real.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ingest.reference_data import authority_frame, postcode_frame

METRES_PER_MILE = 1609.3
POOL_SEED = 20240331
INSIDE_POOL = 3000
OUTSIDE_POOL = 6000

# Districts the validator's 2021 lookup does not know: a placement there gives a null PL_LA and rule 169
# (DOMAIN.md 2.5), so the generator never places children there.
_UNKNOWN_TO_VALIDATOR = {"E06000063", "E06000064", "E06000065", "E06000066", "E08000038", "E08000039"}
# Far placements stay well inside the 350-mile query (rule 454) even from the far side of the county.
_MAX_OUTSIDE_MILES = 250


@dataclass
class PostcodePool:
    inside: pd.DataFrame  # postcode, easting, northing
    outside: pd.DataFrame  # postcode, easting, northing, weight

    def __post_init__(self) -> None:
        self._cumulative = np.cumsum(self.outside["weight"].to_numpy())

    def draw_inside(self, rng: np.random.Generator) -> int:
        return int(rng.integers(len(self.inside)))

    def draw_outside(self, rng: np.random.Generator) -> int:
        return int(min(np.searchsorted(self._cumulative, rng.random() * self._cumulative[-1]), len(self.outside) - 1))

    def miles(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(np.hypot(a[0] - b[0], a[1] - b[1]) / METRES_PER_MILE)


def _directory() -> pd.DataFrame:
    raw = postcode_frame()
    county = authority_frame().set_index("ltla_code")["utla_code"]
    county = county[county.index.str.startswith("E") & ~county.index.isin(_UNKNOWN_TO_VALIDATOR)]
    df = raw.assign(utla=raw["laua"].map(county))
    df = df[df["utla"].notna() & (df["oseast1m"] > 0) & (df["osnrth1m"] > 0)]
    return df.rename(columns={"pcd": "postcode", "oseast1m": "easting", "osnrth1m": "northing"})


def _tidy(postcodes: pd.Series) -> pd.Series:
    """The directory's 7-character form ('N2  2DG') as written on an address ('N2 2DG')."""
    compact = postcodes.str.replace(" ", "", regex=False)
    return compact.str[:-3] + " " + compact.str[-3:]


def load_postcodes(la_ons: str) -> PostcodePool:
    df = _directory()
    inside = df[df["utla"] == la_ons]
    if inside.empty:
        raise ValueError(f"no postcodes for {la_ons} in the ONS directory")
    centre = inside[["easting", "northing"]].median().to_numpy()
    outside = df[df["utla"] != la_ons]
    miles = np.hypot(outside["easting"] - centre[0], outside["northing"] - centre[1]) / METRES_PER_MILE
    outside = outside.assign(miles=miles)[miles <= _MAX_OUTSIDE_MILES]
    inside = inside.sample(n=min(INSIDE_POOL, len(inside)), random_state=POOL_SEED)
    # Sample the outside pool uniformly over authorities' postcodes, then weight by distance:
    # most out-of-area placements are in neighbouring counties, a tail goes much further.
    outside = outside.sample(n=min(OUTSIDE_POOL, len(outside)), random_state=POOL_SEED + 1)
    m = outside["miles"].to_numpy()
    w = np.exp(-m / 12.0) + 0.002 * np.exp(-m / 150.0)
    outside = outside.assign(weight=w / w.sum())
    inside = inside.assign(postcode=_tidy(inside["postcode"]))
    outside = outside.assign(postcode=_tidy(outside["postcode"]))
    cols = ["postcode", "easting", "northing"]
    return PostcodePool(
        inside=inside.sort_values("postcode")[cols].reset_index(drop=True),
        outside=outside.sort_values("postcode")[[*cols, "weight"]].reset_index(drop=True),
    )
