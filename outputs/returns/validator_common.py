"""What both validator scripts (ssda903/, cin/) share: the report's summary and its atomic write, and the
rules run in shares across the machine's cores.

Standard library only: each script runs under its validator's own interpreter and imports this by path.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


def write_json_atomic(path: str, obj: dict) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".validation_report.", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def summarise(rules: list[dict]) -> dict:
    def count(status: str, severity: str | None = None) -> int:
        return sum(1 for r in rules if r["status"] == status and severity in (None, r["severity"]))

    def failed_locations(severity: str) -> list[tuple]:
        return [
            (r["code"], loc["table"], loc["row"], loc.get("index"))
            for r in rules
            if r["status"] == "failed" and r["severity"] == severity
            for loc in r["locations"]
        ]

    errors, queries = failed_locations("error"), failed_locations("query")
    return {
        "rules": len(rules),
        "passed": count("passed"),
        "failed_error": count("failed", "error"),
        "failed_query": count("failed", "query"),
        "skipped": count("skipped"),
        "crashed": count("crashed"),
        # flagged locations (rule x row), as in the validator's ErrorCounts
        "error_rows": len(errors),
        "query_rows": len(queries),
        # distinct data rows carrying at least one error / query
        "error_rows_distinct": len({(t, r, i) for _, t, r, i in errors}),
        "query_rows_distinct": len({(t, r, i) for _, t, r, i in queries}),
    }


# What the forked workers of `in_shares` run: set just before the fork, so the data the rules read (the data
# store, the census tables) reaches each worker by the fork's copy-on-write and is never pickled.
_SHARED: tuple | None = None


def _run_share(index: int):
    work, shares = _SHARED
    return work(shares[index])


def in_shares(work, items: list, workers: int) -> list:
    """`work(share)` for `items` dealt into `workers` shares (item i to share i % workers, so slow rules spread),
    each share in a forked process at once; the results in share order. One worker: here, in this process.

    The rules are independent (each runs on its own copy of the data), so the report is the same however
    they are shared out; the validators are single-threaded, and this uses the cores they leave idle."""
    global _SHARED
    workers = max(1, min(workers, len(items)))
    shares = [items[i::workers] for i in range(workers)]
    if workers == 1:
        return [work(shares[0])]
    _SHARED = (work, shares)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run_share, range(workers)))
    finally:
        _SHARED = None


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
