"""Synthetic extracts for every source of the landing contract (LANDING_CONTRACT.md).

One "true" history of a synthetic shire county is simulated up to the end date (with forecasts
beyond it where the contract has them, e.g. finance planned end dates), then cut as at each nightly
extract date: events after the extract date are unknown, so rows starting later are dropped and end
dates after it are blanked. Same arguments, same bytes. Only pseudonymous IDs, no names.

    from synthetic import generate
    generate(Path("data/landing"), end_date=date(2026, 3, 31), nights=3)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from ingest.contracts import SOURCES, all_entities, entities_for, source_named

from . import camhs, case, cin_census, finance, placements, reference, section_47
from .common import days, sub_rng
from .faults import FAULT_MODES, plan_faults, plant_faults
from .postcodes import load_postcodes
from .providers import build_registry

# File and column order of the landing contract, from the one place it is defined.
# The CSV-layout sources (the CIN census, an XML source, is written by synthetic/cin_census.py instead).
CONTRACT: dict[str, dict[str, list[str]]] = {
    source: {e.file_stem: e.column_names for e in entities_for(source)}
    for source in SOURCES
    if source_named(source).layout == "tables"
}
CASE_FORMATS = ("csv", "cin-xml", "both")
OPTIONAL = {(e.source, e.file_stem) for e in all_entities() if e.optional}


def simulate(
    *,
    end_date: date,
    scale: float = 1.0,
    seed: int = 903,
    la_ons: str = "E10000003",
    progress: Callable[[str], None] | None = None,
) -> dict:
    """The true history behind the extracts (internal columns, epoch-day dates)."""
    say = progress or (lambda _msg: None)
    pool = load_postcodes(la_ons)
    registry = build_registry(sub_rng(seed, "providers"), pool, scale)
    lac = placements.simulate(sub_rng(seed, "placements"), pool, registry, end_date=end_date, scale=scale)
    say(f"placements: {len(lac['episodes']):,} episodes for {len(lac['children']):,} children")
    cs = case.simulate(sub_rng(seed, "case"), lac, end_date=end_date, scale=scale)
    cs["section_47"] = section_47.simulate(sub_rng(seed, "section_47"), cs["referrals"])
    say(f"case: {len(cs['referrals']):,} referrals for {len(cs['children']):,} children")
    fin = finance.simulate(sub_rng(seed, "finance"), lac, end_date=end_date, scale=scale)
    say(f"finance: {len(fin['commitments']):,} commitments")
    mh = camhs.simulate(sub_rng(seed, "camhs"), cs, lac, end_date=end_date, scale=scale)
    say(f"camhs: {len(mh['referrals']):,} referrals")
    pop = reference.simulate(end_date=end_date, scale=scale, la_ons=la_ons)
    return {"placements": lac, "case": cs, "finance": fin, "camhs": mh, "reference": pop}


def snapshots(world: dict, extract: date) -> dict[str, dict[str, pd.DataFrame]]:
    d = days(extract)
    return {
        "case": case.snapshot(world["case"], d),
        "placements": placements.snapshot(world["placements"], d),
        "finance": finance.snapshot(world["finance"], d),
        "camhs": camhs.snapshot(world["camhs"], d),
        "reference": reference.snapshot(world["reference"], d),
    }


def _write(df: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AssertionError(f"{path}: generator did not produce {missing}")
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline fixed so the bytes do not depend on the platform
    df[columns].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def generate(
    landing: Path,
    *,
    end_date: date,
    nights: int = 3,
    scale: float = 1.0,
    seed: int = 903,
    la_ons: str = "E10000003",
    la_dfe: str = "873",
    faults: str = "none",
    case_format: str = "csv",
    progress: Callable[[str], None] | None = None,
) -> dict[tuple[str, str, str], int]:
    """Write <landing>/<source>/<YYYY-MM-DD>/<file>.csv for `nights` extract dates ending at end_date.

    Returns {(source, extract_date_iso, file_name): row_count}. `la_dfe` is accepted for symmetry with
    the project configuration; only the CIN census XML carries the DfE number (its header's LEA).

    `faults`: "none" (the default) writes clean extracts. "realistic" plants, at the rates named in
    synthetic/faults.py and fixed by the seed, the data-quality faults councils' extracts carry:
    overlapping episodes (1% of children with episodes), review rows repeated verbatim (0.5%), malformed
    UPNs (2%), unknown codes in non-key code columns (0.1%), unparseable dates and blank required values
    (0.2% of a file per targeted column), and on the latest night a few commitments for children the case
    extract does not hold yet. A fault stays on every later night; nothing structural is ever planted.

    `case_format`: "csv" (the default) writes the case files of the landing contract; "cin-xml" writes,
    instead of children, referrals, cin_plans, cp_plans and section_47, one CIN census XML per collection
    year the history covers in <landing>/cin_census/<date>/ (synthetic/cin_census.py; edge_of_care.csv
    stays in case/); "both" writes both.
    """
    if faults not in FAULT_MODES:
        raise ValueError(f"faults must be one of {FAULT_MODES}, not {faults!r}")
    if case_format not in CASE_FORMATS:
        raise ValueError(f"case_format must be one of {CASE_FORMATS}, not {case_format!r}")
    landing = Path(landing)
    world = simulate(end_date=end_date, scale=scale, seed=seed, la_ons=la_ons, progress=progress)
    latest, plan = None, None
    if faults == "realistic":
        # Faults are chosen from the latest night's clean extract, then planted in every night's rows.
        latest = snapshots(world, end_date)
        plan = plan_faults(latest, world, night=end_date, seed=seed, scale=scale)
        if progress:
            progress(f"faults: {plan.summary()}")
    counts: dict[tuple[str, str, str], int] = {}
    for k in range(nights - 1, -1, -1):
        extract = end_date - timedelta(days=k)
        snap = latest if (k == 0 and latest is not None) else snapshots(world, extract)
        if plan is not None:
            snap = plant_faults(snap, plan, latest=k == 0)
        for source, files in CONTRACT.items():
            for name, columns in files.items():
                if source == "case" and name in cin_census.CENSUS_FILES and case_format == "cin-xml":
                    continue
                df = snap[source].get(name)
                if df is None and (source, name) in OPTIONAL:  # a table the extract may leave out
                    continue
                _write(df, columns, landing / source / extract.isoformat() / f"{name}.csv")
                counts[(source, extract.isoformat(), f"{name}.csv")] = len(df)
        if case_format != "csv":
            census = landing / "cin_census" / extract.isoformat()
            counts |= cin_census.write_year_files(census, world, extract, la_dfe, plan)
        if progress:
            night_rows = sum(v for (_, d, _), v in counts.items() if d == extract.isoformat())
            progress(f"{extract.isoformat()}: {night_rows:,} rows written")
    return counts


__all__ = ["CASE_FORMATS", "CONTRACT", "FAULT_MODES", "OPTIONAL", "generate", "simulate", "snapshots"]
