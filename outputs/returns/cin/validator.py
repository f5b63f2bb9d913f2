#!/usr/bin/env python3
"""Validate a CIN census XML file with the DfE's rules in ``csc-validator-be-cin``.

Standalone script: it runs under the validator's own interpreter (``.venv-validator-cin``: the package
pins pandas<2), so it imports only the standard library, ``cin_validator`` and the pandas that comes with
it, and the stdlib-only ``outputs/returns/validator_common.py`` - never the rest of this project.

    python validator.py --xml census.xml --year 2025 --output report.json

How the validator is driven (as its own ``python -m cin_validator run`` does): the file is parsed with
ElementTree and made into the validator's eleven tables (``validator_tables.py`` beside this file: what
``cin_validator.convert_data`` / ``process_data`` make, in one pass instead of a concat per child), and
``CinValidator(data, registry)`` runs every rule of the year's pack (``cin_validator.rules.cin<yy>_<yy>``)
on a deep copy of the data, then maps each flagged row back to its LAchildID; the rules in shares, one
forked process per core (``--workers``), each share its own ``CinValidator`` on the tables built once.
The validator prints and swallows a rule that raises, and then counts it as passed; here each rule is
wrapped so a raise is recorded and the rule reported as crashed. Severity is the rule's own
(``RuleType.ERROR`` or ``QUERY``).

Exit codes: 0 when the report was written (whatever the census's errors), 2 on unreadable input.
Nothing child-level other than LAchildID is written.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import io
import os
import sys
import time
import warnings
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from validator_common import available_cores, in_shares, summarise, write_json_atomic  # noqa: E402
from validator_tables import NotACensus, build_tables  # noqa: E402  (beside this script, on sys.path first)

# The packs csc-validator-be-cin 0.1.13 carries, named by the year's end; another year uses the nearest.
PACKS = {2023: "cin2022_23", 2024: "cin2023_24", 2025: "cin2024_25", 2026: "cin2025_26", 2027: "cin2026_27"}


def pack_for(year: int) -> str:
    return PACKS[min(max(year, min(PACKS)), max(PACKS))]


def _wrapped(rule, crashes: dict):
    def run(data, ctx):
        try:
            rule.func(data, ctx)
        except Exception as exc:  # the validator's fault, reported as a crashed rule
            crashes[str(rule.code)] = f"{type(exc).__name__}: {exc}"[:300]

    return dataclasses.replace(rule, func=run)


def _locations(issues, code: str) -> list[dict]:
    mine = issues[issues["rule_code"].astype(str) == code]
    found: dict[tuple, dict] = {}
    for row in mine.itertuples(index=False):
        table = None if row.tables_affected != row.tables_affected else str(row.tables_affected)
        table = table.removeprefix("CINTable.") if table else None
        key = (table, str(row.row_id), str(row.child_id))
        loc = found.setdefault(
            key,
            {"table": table, "row": _row(row.row_id), "child": _child(row.child_id), "fields": []},
        )
        column = str(row.columns_affected)
        if column not in loc["fields"]:
            loc["fields"].append(column)
    # In table and row order: the validator's own order depends on which other rules ran beside this one.
    return sorted(found.values(), key=lambda loc: (loc["table"] or "", loc["row"] or 0, loc["child"] or ""))


def _row(value):
    try:
        return int(value) + 1  # the validator's 0-based row of its table; 1-based here, as the 903 report's
    except (TypeError, ValueError):
        return None


def _child(value):
    text = "" if value is None else str(value)
    return None if text in ("", "nan", "<NA>", "None") else text


def run(args: argparse.Namespace) -> int:
    from cin_validator import cin_validator as cv

    try:
        root = ET.parse(args.xml).getroot()
        data = build_tables(root)
    except (ET.ParseError, OSError, NotACensus) as exc:
        print(f"{args.xml}: not a CIN census file the validator can read: {exc}", file=sys.stderr)
        return 2
    pack = pack_for(args.year)
    registry = importlib.import_module(f"cin_validator.rules.{pack}").registry
    started = time.perf_counter()
    warnings.simplefilter("ignore")  # pandas' FutureWarnings from inside the rules, on every run

    def validate(share: list) -> tuple:
        crashes: dict[str, str] = {}
        rules = {code: _wrapped(rule, crashes) for code, rule in share}
        with contextlib.redirect_stdout(io.StringIO()):
            validator = cv.CinValidator(data, rules)
        multichild = validator.multichild_issues
        return validator.full_issue_df, set(multichild["rule_code"].astype(str)) if len(multichild) else set(), crashes

    import pandas as pd  # the validator's own (pandas<2)

    shares = in_shares(validate, list(registry.items()), args.workers or available_cores())
    issues = pd.concat([issues for issues, _, _ in shares], ignore_index=True)
    la_level = set().union(*(codes for _, codes, _ in shares))
    crashes = {code: text for _, _, found in shares for code, text in found.items()}
    flagged = set(issues["rule_code"].astype(str))
    out = []
    for code, rule in sorted(registry.items(), key=lambda kv: str(kv[0])):
        code = str(code)
        entry = {
            "code": code,
            "description": rule.message,
            "severity": "query" if rule.rule_type.name == "QUERY" else "error",
            "locations": [],
        }
        if code in crashes:
            entry |= {"status": "crashed", "crash": crashes[code]}
        elif code in flagged or code in la_level:
            entry |= {"status": "failed", "locations": _locations(issues, code) if code in flagged else []}
            entry["return_level"] = code in la_level and code not in flagged
        else:
            entry["status"] = "passed"
        out.append(entry)
    report = {
        "collection_year": args.year,
        "la": root.findtext("Header/Source/LEA"),
        "rule_pack": pack,
        "children": len(data["ChildIdentifiers"]),
        "seconds": round(time.perf_counter() - started, 2),
        "summary": summarise(out),
        "rules": out,
    }
    write_json_atomic(args.output, report)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xml", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--workers", type=int, help="processes the rules are shared across (default: the cores)")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
