"""Reference data: the ONS mid-year population estimate of children aged 0-17, and published comparators."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .common import to_date

BASE_POPULATION = 131_500  # DOMAIN.md 5, ten years before the end date
GROWTH = 0.01

# Plausible (synthetic) published averages at 31 March, by indicator and group: (value in the first year,
# change a year). Shapes follow the DfE's tables (England about 60-70 per 10,000, statistical neighbours
# near the council) and the Welsh average of DOMAIN.md 4.13 (9.15% with 3+ placements in 2011/12).
COMPARATORS = {
    "lac_rate_per_10k": {"ENGLAND": (60.0, 0.8), "REGION": (52.0, 0.6), "STAT_NEIGHBOURS": (45.0, 0.5)},
    "stability_3plus_placements_pct": {"ENGLAND": (11.0, -0.1), "STAT_NEIGHBOURS": (10.5, -0.1), "WALES": (9.15, 0.0)},
    "stability_long_term_pct": {"ENGLAND": (68.0, 0.2), "STAT_NEIGHBOURS": (67.0, 0.2)},
    "re_referral_12m_pct": {"ENGLAND": (23.0, -0.2), "STAT_NEIGHBOURS": (22.0, -0.1)},
    "assessments_within_45wd_pct": {"ENGLAND": (82.0, 0.5), "STAT_NEIGHBOURS": (84.0, 0.4)},
    "cp_rate_per_10k": {"ENGLAND": (43.0, 0.3), "STAT_NEIGHBOURS": (40.0, 0.2)},
    "placed_over_20_miles_pct": {"ENGLAND": (14.0, 0.2), "STAT_NEIGHBOURS": (15.0, 0.2)},
}
SOURCES = {
    "ENGLAND": "Synthetic, shaped like DfE Children looked after in England including adoption / Characteristics "
    "of children in need, national table",
    "REGION": "Synthetic, shaped like the DfE national tables' regional rows",
    "STAT_NEIGHBOURS": "Synthetic, shaped like the DfE LA Interactive Tool (LAIT) statistical-neighbour average",
    "WALES": "Synthetic, shaped like StatsWales children looked after tables (DOMAIN.md 4.13: 9.15% in 2011/12)",
}


def simulate(*, end_date: date, scale: float, la_ons: str) -> pd.DataFrame:
    first = end_date.year - 11
    years = range(first, end_date.year + 1)
    pop = [round(BASE_POPULATION * scale * (1 + GROWTH) ** (y - (end_date.year - 10))) for y in years]
    return pd.DataFrame({"la_code": la_ons, "year": list(years), "population_0_17": pop})


def comparators(latest_year: int, first_year: int) -> pd.DataFrame:
    """Comparators at 31 March of each year from first_year to latest_year."""
    rows = [
        (code, group, date(year, 3, 31), round(start + step * (year - first_year), 2), SOURCES[group])
        for code, groups in COMPARATORS.items()
        for group, (start, step) in groups.items()
        for year in range(first_year, latest_year + 1)
    ]
    return pd.DataFrame(rows, columns=["indicator_code", "comparator_group", "period_end", "value", "source"])


def snapshot(population: pd.DataFrame, extract: int) -> dict[str, pd.DataFrame]:
    d = to_date(extract)
    # Mid-year estimates for year Y are published around late June of Y+1.
    latest = d.year - 1 if (d.month, d.day) >= (6, 25) else d.year - 2
    # The DfE's looked-after release for the year to 31 March comes out in the following autumn.
    published = d.year - 1 if d.month >= 11 else d.year - 2
    return {
        "population": population[population["year"] <= latest].reset_index(drop=True),
        "comparators": comparators(published, int(population["year"].min())),
    }
