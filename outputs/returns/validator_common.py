"""What both validator scripts (ssda903/, cin/) share: the report's summary and its atomic write.

Standard library only: each script runs under its validator's own interpreter and imports this by path.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile


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
