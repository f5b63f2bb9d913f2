#!/usr/bin/env python3
"""Validate an SSDA903 return with the sector validator ``csc-validator-be-903``.

Standalone script: it runs under the validator's own interpreter (the validator pins
pandas<2 / numpy<1.25), so it imports only the standard library, ``lac_validator`` and
the pandas that comes with it - never anything from this project.  The warehouse calls it
in a subprocess and reads the JSON report it writes.

    python validator.py --year 2025 --la E10000003 \
        --this-year DIR [--prev-year DIR] [--rule-pack YEAR] \
        [--ch-lookup XLSX --scp-lookup XLSX] --output report.json

``DIR`` holds the return's CSVs named in ``CONTRACT_FILES`` (header.csv, episodes.csv, ..., oc2.csv,
sw_episodes.csv, dolo.csv; DfE column names, DD/MM/YYYY dates); any of them may be absent.  Other files
in the folder are ignored.

How the validator is driven (mirrors its own front-end entry point ``rpc_main.lac_validate``
and ``lac_validator.LacValidator``):

* ``lac_validator.utils.process_uploaded_files({"This year": [...], "Prev year": [...]})`` turns
  paths into ``UploadedFile`` dicts, with Ofsted's "CH lookup" and "SCP lookup" lists when
  --ch-lookup/--scp-lookup give them (the council drops them in CSCW_HOME/reference/);
* ``lac_validator.ingress.read_from_text(files)`` reads every CSV with all values as text
  (blank -> NaN), upper-cases them, identifies each table by the exact *set* of its header
  names (``lac_validator.config.column_names``), suffixes "Prev year" tables with ``_last``,
  adds a ``UASC`` 0/1 column to Header when UASC is loaded, and builds the Ofsted
  provider table from the optional lookups; it returns ``(dfs, metadata_extras)``;
* metadata is ``{"collectionYear": <end year>, "localAuthority": <ONS code>}`` updated with
  the extras (``file_format``, ``provider_info``);
* ``lac_validator.datastore.create_datastore(dfs, metadata)`` adds collection_start/end and
  the postcode-derived Episodes columns PL_LA, PL_LOCATION, PL_DISTANCE;
* ``lac_validator.rules.ruleset_utils.get_year_ruleset(year)`` gives the rule pack
  (``{code: RuleDefinition(code, func, message, affected_fields, tables)}``);
* every rule is called as ``rule.func(copy_datastore(store))``, which returns
  ``{table: [index labels]}``; ``{}`` means the rule's tables are absent (the validator's
  own "skipped").  Unlike ``LacValidator.validate`` we keep each crash's text, time each rule,
  never let a malformed result stop the run, and silence anything rules print (some rules
  ``print()`` child-level frames).
* Rules run in shares, one forked process per core (``--workers``), each on the data store loaded once.
* Isolation: the front end hands each rule ``copy_datastore`` - a *shallow* copy - so a rule
  that writes into a column changes the data for every later rule.  In 0.1.17 rule 365
  fills every blank DEC with collection_end in place, after which later rules (e.g. 376, 387,
  388, 607) see open episodes as closed on 31 March.  By default each rule here gets a deep
  copy (results independent of rule order).

Severity: neither the validator (``RuleDefinition`` has no severity, its reports call every
hit an error) nor the rule list ``ssda903_validator_rules.tsv`` (columns: code, one Y flag per
collection year, tables, affected_fields, message) marks queries.  Queries are therefore the
project's list ``QUERY_RULES`` (DOMAIN.md 2.4: 1001, 1002, 164, 454; 2.3: 232 "U raises query
232"), in validator_rules.py.  Every other rule is an error.  Rules whose message
carries a "[NOTE: ... false positives/negatives ...]" caveat are flagged ``caveat: true`` so
reviewers can see them, but that does not change their severity.

Row numbers: the validator reads each CSV into a 0-based RangeIndex and rules return index
labels, so ``row`` = label + 1 = 1-based data row of that file as sent (header excluded;
wholly blank lines are skipped by the reader and not counted).  A label the table does not
contain is reported with ``row: null`` and ``index`` set.

Exit codes: 0 when the report was written (whatever the return's errors), 2 on bad
arguments or unreadable input (nothing written), 1 on an unexpected failure of this script.
Nothing child-level other than CHILD ids is printed or written; crash texts have quoted
literals that are not column/table names redacted.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Any

from validator_rules import QUERY_RULES, RuleRun, names_kept_in_crash_texts, run_rule, sort_by_code
from validator_setup import InputError, parse_args, rule_pack, validator_version

# The report's summary and atomic write, shared with the CIN census's validator script (stdlib only).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from validator_common import available_cores, in_shares, summarise, write_json_atomic  # noqa: E402

SCRIPT_VERSION = "1"

# landing-contract file name -> validator table name
CONTRACT_FILES = {
    "header.csv": "Header",
    "episodes.csv": "Episodes",
    "uasc.csv": "UASC",
    "reviews.csv": "Reviews",
    "missing.csv": "Missing",
    "oc2.csv": "OC2",
    "oc3.csv": "OC3",
    "ad1.csv": "AD1",
    "placed_for_adoption.csv": "PlacedAdoption",
    "previous_permanence.csv": "PrevPerm",
    "sw_episodes.csv": "SWEpisodes",
    "dolo.csv": "DoLo",
}


@dataclass
class Loaded:
    """The return as the validator holds it."""

    this_files: dict[str, str]  # validator table -> path
    prev_files: dict[str, str]
    store: dict
    metadata: dict
    seconds: float


# --------------------------------------------------------------------------- input checks
def contract_files(folder: str, column_names: dict[str, list[str]]) -> dict[str, str]:
    """Return {validator table: path} for the contract files present in folder.

    Checks each file is readable UTF-8 and that its header is exactly the table's column
    set (the validator's own test), so that a wrong file is a clear input error rather
    than a mis-identified table.  Only column names are ever quoted in messages.
    """
    found = {}
    for fname, table in CONTRACT_FILES.items():
        path = os.path.join(folder, fname)
        if not os.path.exists(path):
            continue
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from None
        if raw.startswith(b"\xef\xbb\xbf"):
            raise InputError(
                f"{path}: starts with a UTF-8 byte-order mark; the validator "
                "would not recognise its first column. Write UTF-8 without BOM."
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(
                f"{path}: not UTF-8 (byte offset {e.start}); the validator rejects non-UTF-8 files"
            ) from None
        first = text.splitlines()[0] if text.strip() else ""
        cols = [c.strip().strip('"') for c in first.split(",")] if first else []
        expected = column_names[table]
        if set(cols) != set(expected):
            missing = [c for c in expected if c not in cols]
            extra = [c for c in cols if c not in expected]
            raise InputError(f"{path}: header is not the {table} column set (missing {missing}, unexpected {extra})")
        found[table] = path
    return found


# --------------------------------------------------------------------------- steps
def sex_codes(df: Any) -> set[str]:
    if df is None or "SEX" not in df.columns:
        return set()
    return {str(v) for v in df["SEX"].dropna().unique()}


def read_return(args: argparse.Namespace, run: RuleRun) -> Loaded:
    """The contract files read and turned into the validator's data store, as its front end does."""
    from lac_validator.config import column_names
    from lac_validator.datastore import create_datastore
    from lac_validator.ingress import read_from_text
    from lac_validator.types import UploadError
    from lac_validator.utils import process_uploaded_files

    this_files = contract_files(args.this_year, column_names)
    if not this_files:
        raise InputError(f"{args.this_year}: none of {', '.join(CONTRACT_FILES)} found") from None
    prev_files = contract_files(args.prev_year, column_names) if args.prev_year else {}
    if args.prev_year and not prev_files:
        raise InputError(f"{args.prev_year}: none of {', '.join(CONTRACT_FILES)} found") from None
    lac_data = {"This year": list(this_files.values())}
    if prev_files:
        lac_data["Prev year"] = list(prev_files.values())
    if args.ch_lookup:
        lac_data |= {"CH lookup": [args.ch_lookup], "SCP lookup": [args.scp_lookup]}
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(run.sink):
            dfs, metadata_extras = read_from_text(process_uploaded_files(lac_data))
    except (UploadError, UnicodeDecodeError, ValueError, OSError) as e:
        raise InputError(f"validator could not read the files: {type(e).__name__}: {e}") from None
    except Exception as e:  # pandas parser errors and the like
        raise InputError(f"validator could not read the files: {type(e).__name__}") from None
    metadata = {"collectionYear": args.year, "localAuthority": args.la}
    metadata.update(metadata_extras)
    try:
        with contextlib.redirect_stdout(run.sink):
            keep_only_the_return_s_postcodes(dfs)
            store = create_datastore(dfs, metadata)
    except Exception as e:
        raise InputError(
            f"validator could not build its data store (postcode derivation): {type(e).__name__}"
        ) from None
    return Loaded(this_files, prev_files, store, metadata, time.perf_counter() - started)


def keep_only_the_return_s_postcodes(dfs: dict) -> None:
    """Cut the validator's postcode directory to the postcodes the return's episodes hold, before
    ``create_datastore`` merges each episode postcode column against it.

    The directory loads a whole first letter at a time (hundreds of thousands of postcodes for a council's
    handful of letters) and every merge of HOME_POST and PL_POST, this year and last, runs against all of it:
    most of the validator's load time. The derived fields come out the same, because ``merge_postcodes`` only
    ever matches an episode's postcode upper-cased with its spaces removed against ``pcd_abbr``."""
    from lac_validator.datastore import postcodes

    columns = [dfs[t][c] for t in ("Episodes", "Episodes_last") if t in dfs for c in ("HOME_POST", "PL_POST")]
    values = [c.dropna().astype(str).str.upper() for c in columns]
    postcodes.load_postcodes({letter for v in values for letter in v.str[0].dropna().unique()})
    wanted = {p for v in values for p in v.str.replace(" ", "").unique()}
    directory = postcodes.dataframe
    postcodes._df = directory[directory["pcd_abbr"].isin(wanted)].reset_index(drop=True)


def known_pitfalls(args: argparse.Namespace, pack_year: str, loaded: Loaded) -> list[str]:
    """Notes on what makes rules misfire or skip (codes only, never child values)."""
    from lac_validator.datastore import la_df

    notes = []
    if args.rule_pack and args.rule_pack != args.year:
        notes.append(
            f"rule pack for {args.rule_pack} run on collection year {args.year} "
            "(--rule-pack); collection_start/end come from --year"
        )
    if args.la not in set(la_df["UTLA21CD"]):
        notes.append(
            f"{args.la} is not an upper-tier code in the validator's 2021 authority "
            "lookup; PL_LA/PL_LOCATION-based rules may misfire"
        )
    if "provider_info" not in loaded.metadata:
        notes.append("no Ofsted CH/SCP lookups loaded: URN rules (219, 221, 224, 227, 228, 229, 1008) skip")
    if not loaded.prev_files:
        notes.append("no previous-year files: rules reading *_last tables skip")
    new_sex = int(pack_year) >= 2025
    for table, label in (("Header", "this year's"), ("Header_last", "last year's")):
        codes = sex_codes(loaded.store.get(table))
        if new_sex and codes & {"1", "2"}:
            extra = (
                " - rule 202 compares it as text with this year's M/F, recode it before loading"
                if table == "Header_last"
                else ""
            )
            notes.append(f"{label} Header SEX uses 1/2 coding but the {pack_year} pack expects M/F/U{extra}")
        if not new_sex and codes & {"M", "F", "U"}:
            notes.append(f"{label} Header SEX uses M/F/U coding but the {pack_year} pack expects 1/2")
    notes += [
        f"{t} not supplied" for t in ("Episodes", "Header", "Reviews", "Missing", "UASC") if t not in loaded.store
    ]
    return notes


def table_sources(loaded: Loaded) -> dict[str, tuple[str, str]]:
    sources = {t: ("this_year", os.path.basename(p)) for t, p in loaded.this_files.items()}
    sources |= {f"{t}_last": ("prev_year", os.path.basename(p)) for t, p in loaded.prev_files.items()}
    return sources


# --------------------------------------------------------------------------- main run
def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    # Keep the validator's INFO logging and pandas warnings off the console.
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    warnings.simplefilter("ignore")
    pack_year = args.rule_pack or args.year
    registry = rule_pack(pack_year)
    rules = RuleRun(store={}, pack_year=pack_year, allowed_names=set(), table_source={})
    loaded = read_return(args, rules)
    notes = known_pitfalls(args, pack_year, loaded)
    rules.store, rules.allowed_names, rules.table_source = (
        loaded.store,
        names_kept_in_crash_texts(loaded.store, set(CONTRACT_FILES.values())),
        table_sources(loaded),
    )
    rules_started = time.perf_counter()
    workers = args.workers or available_cores()
    shares = in_shares(lambda share: [run_rule(rule, rules) for rule in share], list(registry.values()), workers)
    entries = sort_by_code([entry for share in shares for entry in share])
    timing = {
        "load_seconds": round(loaded.seconds, 2),
        "rules_seconds": round(time.perf_counter() - rules_started, 2),
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    report = build_report(args, pack_year, loaded, entries, notes, timing)
    write_json_atomic(args.output, report)
    s = report["summary"]
    print(
        f"SSDA903 {args.year} {args.la}: {s['rules']} rules - {s['passed']} passed, "
        f"{s['failed_error']} failed (error, {s['error_rows']} locations), "
        f"{s['failed_query']} failed (query, {s['query_rows']} locations), "
        f"{s['skipped']} skipped, {s['crashed']} crashed; "
        f"{timing['total_seconds']}s -> {args.output}"
    )
    return 0


def build_report(
    args: argparse.Namespace, pack_year: str, loaded: Loaded, rules: list[dict], notes: list[str], timing: dict
) -> dict:
    return {
        "collection_year": args.year,
        "la": args.la,
        "validator_version": validator_version(),
        "rule_pack": f"{int(pack_year) - 1}/{pack_year[2:]}",
        "script_version": SCRIPT_VERSION,
        "rule_isolation": "deep copy per rule",
        "files": {
            # What each of the validator's tables is called as a file: the warehouse words a skipped rule from it.
            "contract": dict((table, name) for name, table in CONTRACT_FILES.items()),
            "this_year": {t: os.path.basename(p) for t, p in loaded.this_files.items()},
            "prev_year": {t: os.path.basename(p) for t, p in loaded.prev_files.items()},
            "rows": {t: int(len(df)) for t, df in loaded.store.items() if t != "metadata"},
            "lookups": bool(loaded.metadata.get("provider_info") is not None),
        },
        "severity_source": {
            "queries": {c: QUERY_RULES[c] for c in sorted(QUERY_RULES)},
            "rule": "validator and rules TSV carry no severity; listed codes are queries, all others errors",
        },
        "summary": summarise(rules),
        "timing": timing,
        "notes": notes,
        "rules": rules,
    }


def main(argv: list[str] | None = None) -> int:
    try:
        return run(parse_args(sys.argv[1:] if argv is None else argv))
    except InputError as e:
        print(f"ssda903_validate: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # argparse
        return 2 if e.code not in (0, None) else 0


if __name__ == "__main__":
    sys.exit(main())
