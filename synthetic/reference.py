"""Reference data: the ONS mid-year population estimate of children aged 0-17."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .common import to_date

BASE_POPULATION = 131_500  # DOMAIN.md 5, ten years before the end date
GROWTH = 0.01


def simulate(*, end_date: date, scale: float, la_ons: str) -> pd.DataFrame:
    first = end_date.year - 11
    years = range(first, end_date.year + 1)
    pop = [round(BASE_POPULATION * scale * (1 + GROWTH) ** (y - (end_date.year - 10))) for y in years]
    return pd.DataFrame({"la_code": la_ons, "year": list(years), "population_0_17": pop})


def snapshot(population: pd.DataFrame, extract: int) -> dict[str, pd.DataFrame]:
    d = to_date(extract)
    # Mid-year estimates for year Y are published around late June of Y+1.
    latest = d.year - 1 if (d.month, d.day) >= (6, 25) else d.year - 2
    return {"population": population[population["year"] <= latest].reset_index(drop=True)}
