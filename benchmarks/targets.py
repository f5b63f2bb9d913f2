"""The targets of issue 25, each as met or the measured gap, from a run's rows (and the latest committed results).

A scale the run did not measure is taken from the newest committed results file that holds it, and the
table says which. Rows are the dicts benchmarks/nightly.py writes to benchmarks/results/nightly-*.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

WHOLE_NIGHT = "whole night (end to end)"
# Not a stage of the night: the second night checked against a full rebuild (benchmarks/nightly.py).
CHECK_STAGE = "check: full rebuild = incremental night (rows: tables differing)"
SOURCE_STAGE = "read, gate, publish "
GATE_ROWS_PER_SECOND = 500_000
LINEAR_FROM, LINEAR_TO = 10.0, 100.0
TOO_SHORT = 0.5  # seconds at scale 10 below which a stage's growth is noise, not a trend


def committed(folder: Path) -> list[tuple[str, list[dict]]]:
    """(file name, rows) of every committed nightly result, newest first."""
    return [(p.name, json.loads(p.read_text())) for p in sorted(folder.glob("nightly-*.json"), reverse=True)]


def _of_scale(run: list[dict], earlier: list[tuple[str, list[dict]]], scale: float) -> tuple[str, list[dict]]:
    mine = [r for r in run if r["scale"] == scale]
    if mine:
        return "this run", mine
    for name, rows in earlier:
        found = [r for r in rows if r["scale"] == scale]
        if found:
            return name, found
    return "", []


def contended(rows: list[dict]) -> bool:
    """Whether most stages started with the load average above the core count (older results did not record it)."""
    loads = sorted(r.get("load_1m", 0.0) for r in rows)
    return bool(loads) and loads[len(loads) // 2] > (os.cpu_count() or 1)


def _linear_pair(run: list[dict], earlier: list[tuple[str, list[dict]]]) -> tuple[str, list[dict], str, list[dict]]:
    """Scales 10 and 100 to compare: both from this run when it has 100 (10 from the latest results if not).

    Scale 100 from committed results is compared with the latest scale 10 measured on a quiet machine, not with
    this run's: a contended scale 10 against a quiet scale 100 would pass any stage.
    """
    large_origin, large = _of_scale(run, earlier, LINEAR_TO)
    if large_origin == "this run":
        return (*_of_scale(run, earlier, LINEAR_FROM), large_origin, large)
    quiet = [(name, rows) for name, rows in earlier if not contended(rows)]
    return (*_of_scale([], quiet, LINEAR_FROM), large_origin, large)


def _is_night_stage(r: dict) -> bool:
    return not r["stage"].startswith(("generate", "query: ")) and r["stage"] not in (WHOLE_NIGHT, CHECK_STAGE)


def _night(rows: list[dict], night: int) -> tuple[float, float | None, list[dict]]:
    """(seconds, floor seconds, stages) of a night; older results without a whole-night row are summed."""
    stages = [r for r in rows if r["night"] == night and _is_night_stage(r)]
    whole = next((r for r in rows if r["night"] == night and r["stage"] == WHOLE_NIGHT), None)
    seconds = whole["seconds"] if whole else sum(r["seconds"] for r in stages)
    return seconds, (whole or {}).get("floor_seconds"), stages


def _largest(stages: list[dict], total: float) -> str:
    if not stages or not total:
        return ""
    top = max(stages, key=lambda r: r["seconds"])
    return f"; {top['stage']} is {100 * top['seconds'] / total:.0f}% of it"


def _times_floor(seconds: float, floor: float | None) -> str:
    return f" ({seconds / floor:,.1f}x floor)" if floor else ""


def _first_night(rows: list[dict], limit: float) -> tuple[str, str]:
    seconds, floor, stages = _night(rows, 1)
    measured = f"{seconds:.0f} s{_times_floor(seconds, floor)}"
    return measured, "met" if seconds <= limit else f"{seconds:.0f} s vs {limit:.0f} s: gap {seconds - limit:.0f} s" + (
        _largest(stages, seconds)
    )


def _second_night(rows: list[dict]) -> tuple[str, str]:
    first, _, _ = _night(rows, 1)
    second, _, stages = _night(rows, 2)
    if not stages:
        return "not measured", "run without --first-night-only"
    ratio = second / first
    verdict = "met" if ratio <= 0.25 else f"{ratio:.2f} vs 0.25: gap {ratio - 0.25:.2f}" + _largest(stages, second)
    return f"{ratio:.2f} ({second:.0f} s / {first:.0f} s)", verdict


def _gate(rows: list[dict]) -> list[tuple[str, str, str]]:
    lines = []
    for r in (r for r in rows if r["night"] == 1 and r["stage"].startswith(SOURCE_STAGE) and r["rows"]):
        speed = r["rows"] / r["seconds"] if r["seconds"] else 0.0
        floor = r.get("floor_seconds")
        measured = f"{speed:,.0f} rows/s{_times_floor(r['seconds'], floor)}"
        verdict = "met" if speed >= GATE_ROWS_PER_SECOND else f"{GATE_ROWS_PER_SECOND / max(speed, 1):,.0f}x short"
        if floor and speed < GATE_ROWS_PER_SECOND:
            # Under load even DuckDB's bare read can miss the target: say so, or the gap reads as all the gate's.
            verdict += f"; the floor reads {r['rows'] / floor:,.0f} rows/s in this run"
        lines.append(
            (f"gate >= 500k rows/s: {r['stage'][len(SOURCE_STAGE) :]} ({r['rows']:,} rows)", measured, verdict)
        )
    return lines


def _memory(rows: list[dict]) -> tuple[str, str]:
    stages = _night(rows, 1)[2]
    top = max(stages, key=lambda r: r["peak_rss_mb"])
    gb = top["peak_rss_mb"] / 1024
    return f"{gb:.1f} GB", "met" if gb <= 4 else f"{gb:.1f} GB vs 4 GB: gap {gb - 4:.1f} GB, in {top['stage']}"


def _queries(rows: list[dict]) -> tuple[str, str]:
    queries = [r for r in rows if r["stage"].startswith("query: ") and "year's return" not in r["stage"]]
    slowest = max(queries, key=lambda r: r["seconds"])
    ms = slowest["seconds"] * 1000
    return f"{ms:.0f} ms ({slowest['stage'][7:]})", "met" if ms < 200 else f"gap {ms - 200:.0f} ms"


def linear(small: list[dict], large: list[dict]) -> list[tuple[str, float, float, float | None]]:
    """(stage, seconds at scale 10, at 100, growth of its floor) for each first-night stage measured at both."""
    at_small = {r["stage"]: r for r in small if r["night"] == 1}
    growth = []
    for r in large:
        s = at_small.get(r["stage"])
        if r["night"] != 1 or s is None or r["stage"].startswith(("generate", "query: ")):
            continue
        floors = (s.get("floor_seconds"), r.get("floor_seconds"))
        growth.append((r["stage"], s["seconds"], r["seconds"], floors[1] / floors[0] if all(floors) else None))
    return growth


def _linear_verdict(small: list[dict], large: list[dict]) -> tuple[str, str]:
    growth = linear(small, large)
    judged = [(stage, big / small) for stage, small, big, _ in growth if small >= TOO_SHORT]
    if not judged:
        return "not measured", "needs scales 10 and 100"
    stage, worst = max(judged, key=lambda g: g[1])
    limit = LINEAR_TO / LINEAR_FROM
    verdict = "met" if worst <= limit else f"{worst:.1f}x vs {limit:.0f}x: worse than linear"
    if contended(small) != contended(large):
        verdict += " (one scale ran on a busy machine, the other not: read with care)"
    return f"worst {worst:.1f}x ({stage})", verdict


def table(run: list[dict], earlier: list[tuple[str, list[dict]]]) -> list[tuple[str, str, str, str]]:
    """(target, measured, met or gap, where the figure comes from) for each target."""
    lines: list[tuple[str, str, str, str]] = []
    origin, rows = _of_scale(run, earlier, 1.0)
    if rows:
        lines.append(("scale 1: first night <= 30 s", *_first_night(rows, 30), origin))
        lines.append(("scale 1: second night <= 25% of first", *_second_night(rows), origin))
        lines.extend((f"scale 1: {t}", m, v, origin) for t, m, v in _gate(rows))
    else:
        lines.append(("scale 1", "not measured", "run --scales 1", ""))
    origin, rows = _of_scale(run, earlier, LINEAR_TO)
    if not rows:
        return [*lines, ("scale 100", "not measured", "run --scales 100 --first-night-only", "")]
    lines.append(("scale 100: first night <= 6 min", *_first_night(rows, 360), origin))
    lines.append(("scale 100: peak memory <= 4 GB", *_memory(rows), origin))
    lines.append(("scale 100: second night <= 25% of first", *_second_night(rows), origin))
    small_origin, small, _, _ = _linear_pair(run, earlier)
    pair = origin if small_origin == origin else f"{small_origin} / {origin}"
    lines.append(("scale 10 -> 100: no stage worse than linear", *_linear_verdict(small, rows), pair))
    lines.append(("scale 100: analyst queries < 200 ms (not a year's return)", *_queries(rows), origin))
    return lines


def print_table(run: list[dict], earlier: list[tuple[str, list[dict]]]) -> None:
    lines = table(run, earlier)
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    print(f"\n{'target':<{widths[0]}}  {'measured':<{widths[1]}}  {'met or gap':<{widths[2]}}  from")
    for target, measured, verdict, origin in lines:
        print(f"{target:<{widths[0]}}  {measured:<{widths[1]}}  {verdict:<{widths[2]}}  {origin}")
    small_origin, small, large_origin, large = _linear_pair(run, earlier)
    growth = linear(small, large) if small and large else []
    if growth:
        print(f"\nscale 10 -> 100, first night ({small_origin} / {large_origin}); linear is 10x:")
        for stage, at_small, at_large, floor_growth in growth:
            floor = f", floor {floor_growth:.1f}x" if floor_growth else ""
            short = " (too short at 10 to judge)" if at_small < TOO_SHORT else ""
            growth_x = at_large / at_small if at_small else float("inf")
            print(f"  {stage:<44}{at_small:>9.2f}s ->{at_large:>9.2f}s  {growth_x:6.1f}x{floor}{short}")
