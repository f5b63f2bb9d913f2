"""What the gate found, written beside a quarantined or loaded-with-problems snapshot: gate_report.csv and
gate_report.md, saying where each problem is and which rule, never row values."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

from ingest.readers import Problem
from ingest.snapshot import Snapshot
from ingest.spreadsheet import safe_row
from warehouse.permissions import restrict

REPORT_COLUMNS = ["file", "row", "column", "rule", "key", "action"]

ACTIONS = {
    "structural": "snapshot refused",
    "suspect": "snapshot held",
    "row": "row quarantined",
    "flag": "loaded, flagged",
}


def write_gate_report(folder: Path, refusal_problems: list[Problem], title: str) -> None:
    """gate_report.csv and gate_report.md: where each problem is and which rule, never row values."""
    with open(folder / "gate_report.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for p in refusal_problems:
            writer.writerow(safe_row([p.file, p.row or "", p.column or "", p.rule, p.key or "", ACTIONS[p.kind]]))
    by_rule: dict[tuple[str, str, str | None, str], list[Problem]] = {}
    for p in refusal_problems:
        by_rule.setdefault((p.file, p.rule, p.column, p.kind), []).append(p)
    order = list(ACTIONS)
    lines = [
        f"# {title}",
        "",
        "Rows are spreadsheet rows (the header is row 1). Values are never shown.",
        "",
        "| file | rule | column | action | rows | first rows |",
        "|---|---|---|---|---|---|",
    ]
    for (file, rule, column, kind), found in sorted(by_rule.items(), key=lambda kv: (order.index(kv[0][3]), kv[0][:2])):
        first = ", ".join(str(p.row) for p in found[:10] if p.row)
        lines.append(f"| {file} | {rule} | {column or ''} | {ACTIONS[kind]} | {len(found)} | {first} |")
    (folder / "gate_report.md").write_text("\n".join(lines) + "\n")


def quarantine_folder(quarantine_root: Path | None, source: str, extract_date: date | str) -> Path | None:
    if quarantine_root is None:
        return None
    target = quarantine_root / source / str(extract_date)
    if target.exists():
        shutil.rmtree(target)
    return target


def report_loaded(quarantine_root: Path | None, snapshot: Snapshot, problems: list[Problem]) -> None:
    """A loaded snapshot's quarantined rows and flags, reported where a refusal's would be (files stay in landing)."""
    target = quarantine_folder(quarantine_root, snapshot.source, snapshot.extract_date)
    if target is None or not problems:
        return
    target.mkdir(parents=True)
    write_gate_report(target, problems, f"{snapshot.source} snapshot {snapshot.extract_date} loaded with problems")
    restrict(target)
