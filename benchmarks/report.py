"""A run's stages as a printed table and as benchmarks/results/nightly-<stamp>[-<label>].{csv,json}."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(rows: list[dict], label: str) -> Path:
    """benchmarks/results/nightly-<stamp>[-<label>].{csv,json}; returns the stem."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / "-".join(filter(None, ["nightly", datetime.now().strftime("%Y%m%d-%H%M%S"), label]))
    with open(stem.with_suffix(".csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    stem.with_suffix(".json").write_text(json.dumps(rows, indent=2))
    return stem


def print_stages(rows: list[dict]) -> None:
    print(
        f"\n{'scale':>6} {'night':>5}  {'stage':<41}{'seconds':>9}{'floor s':>9}{'x floor':>9}"
        f"{'rows':>12}{'rows/s':>11}{'peak MB':>9}{'load':>6}"
    )
    for r in rows:
        floor = f"{r['floor_seconds']:>9.2f}{r['ratio_to_floor']:>9,.1f}" if r["floor_seconds"] else f"{'-':>9}{'-':>9}"
        print(
            f"{r['scale']:>6g} {r['night']:>5}  {r['stage']:<41}{r['seconds']:>9.2f}{floor}{r['rows']:>12,}"
            f"{r['rows_per_second']:>11,}{r['peak_rss_mb']:>9.0f}{r['load_1m']:>6.1f}"
        )
