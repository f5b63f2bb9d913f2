"""How long the load gate takes: the default synthetic set per source, and one 100k-row episodes table.

.venv/bin/python benchmarks/gate.py        (prints figures; never part of the test suite)
"""

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.contracts import entities_for  # noqa: E402
from ingest.load import read_snapshot  # noqa: E402
from ingest.readers import dated_folders  # noqa: E402
from synthetic import generate  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    import great_expectations  # noqa: F401

    from expectations.run import gate

    print(f"import great_expectations: {time.perf_counter() - started:.1f}s (paid once, at the first gate)")
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp)
        generate(landing, end_date=date(2026, 3, 31), nights=1)
        case_children = None
        # rows/s is the whole gate of a source, read and checks (the target: >= 500k at scale 1, issue 25).
        print(f"{'source':<12}{'rows':>10}{'read s':>9}{'gate s':>9}{'rows/s':>10}")
        for source in ("case", "placements", "finance", "camhs", "reference"):
            [(extract_date, folder)] = dated_folders(landing, source)
            t0 = time.perf_counter()
            snapshot = read_snapshot(source, extract_date, folder)
            t1 = time.perf_counter()
            problems = gate(snapshot, case_children=case_children)
            t2 = time.perf_counter()
            if source == "case":
                case_children = set(snapshot.reads["children"].frame["child_id"].dropna())
            rows = sum(snapshot.row_counts.values())
            rate = rows / (t2 - t0)
            print(f"{source:<12}{rows:>10,}{t1 - t0:>9.2f}{t2 - t1:>9.2f}{rate:>10,.0f}   problems: {len(problems)}")

        # 100k episodes: the scale-1 table repeated with fresh child ids.
        [(extract_date, folder)] = dated_folders(landing, "placements")
        snapshot = read_snapshot("placements", extract_date, folder)
        episodes = snapshot.reads["episodes"]
        copies = -(-100_000 // len(episodes.frame))
        frame = pd.concat([episodes.frame.assign(child=episodes.frame["child"] + f"-{i}") for i in range(copies)])
        frame = frame.head(100_000).reset_index(drop=True)
        frame["_row_number"] = range(2, len(frame) + 2)
        episodes.frame = frame
        snapshot.reads["header"].frame = pd.concat(
            [
                snapshot.reads["header"].frame.assign(child=snapshot.reads["header"].frame["child"] + f"-{i}")
                for i in range(copies)
            ]
        ).reset_index(drop=True)
        t0 = time.perf_counter()
        gate(snapshot)
        elapsed = time.perf_counter() - t0
        print(
            f"episodes x{copies} = {len(frame):,} rows (+ header {len(snapshot.reads['header'].frame):,}): "
            f"gate {elapsed:.2f}s for the {len(entities_for('placements'))} placements suites"
        )


if __name__ == "__main__":
    main()
