#!/usr/bin/env python3
"""Validate an SSDA903 return with the sector validator ``csc-validator-be-903``.

Standalone script: it runs under the validator's own interpreter (the validator pins
pandas<2 / numpy<1.25), so it imports only the standard library, ``lac_validator`` and
the pandas that comes with it - never anything from this project.  The warehouse calls it
in a subprocess and reads the JSON report it writes.

    python ssda903_validate.py --year 2025 --la E10000003 \
        --this-year DIR [--prev-year DIR] --output report.json

``DIR`` holds the landing-contract CSVs header.csv, episodes.csv, uasc.csv, reviews.csv and
missing.csv (DfE column names, DD/MM/YYYY dates); any of them may be absent.  Other files
in the folder are ignored.

How the validator is driven (mirrors its own front-end entry point ``rpc_main.lac_validate``
and ``lac_validator.LacValidator``):

* ``lac_validator.utils.process_uploaded_files({"This year": [...], "Prev year": [...],
  "CH lookup": [...], "SCP lookup": [...]})`` turns paths into ``UploadedFile`` dicts;
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
* Isolation: the front end hands each rule ``copy_datastore`` - a *shallow* copy - so a rule
  that writes into a column changes the data for every later rule.  In 0.1.17 rule 365
  fills every blank DEC with collection_end in place, after which later rules (e.g. 376, 387,
  388, 607) see open episodes as closed on 31 March.  By default each rule here gets a deep
  copy (results independent of rule order); ``--frontend-copies`` reproduces the web tool.

Severity: neither the validator (``RuleDefinition`` has no severity, its reports call every
hit an error) nor the rule list ``ssda903_validator_rules.tsv`` (columns: code, one Y flag per
collection year, tables, affected_fields, message) marks queries.  Queries are therefore the
project's list ``QUERY_RULES`` (DOMAIN.md 2.4: 1001, 1002, 164, 454; 2.3: 232 "U raises query
232"), extendable with ``--queries``.  Every other rule is an error.  Rules whose message
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
import io
import json
import logging
import math
import os
import re
import sys
import tempfile
import time
import traceback
import warnings

SCRIPT_VERSION = "1"
PACKAGE = "csc-validator-be-903"

# landing-contract file name -> validator table name
CONTRACT_FILES = {
    "header.csv": "Header",
    "episodes.csv": "Episodes",
    "uasc.csv": "UASC",
    "reviews.csv": "Reviews",
    "missing.csv": "Missing",
}

# Rules treated as queries (see module docstring for the source of each).
QUERY_RULES = {
    "1001": "DOMAIN.md 2.4 (false positives on two-year history)",
    "1002": "DOMAIN.md 2.4 (false positives on two-year history)",
    "164": "DOMAIN.md 2.4 (false positives for former UASC)",
    "454": "DOMAIN.md 2.4 (false positives for former UASC)",
    "232": "DOMAIN.md 2.3 (SEX U raises query 232)",
}

# Crashes documented in DOMAIN.md 2.4: code -> (first collection year, condition).
KNOWN_CRASHES = {
    "231": (0, "crashes on CSV input (reads UASC_STATUS; CSV gives UASC)"),
    "233": (2026, "crashes on every Episodes file from 2025/26"),
    "706": (2027, "crashes in 2026/27"),
    "709": (2027, "crashes in 2026/27"),
    "710": (2027, "crashes in 2026/27"),
}

CAVEAT_RE = re.compile(r"NOTE:.*false (positive|negative)", re.IGNORECASE)
QUOTED_RE = re.compile(r"(['\"])(.*?)\1")


class InputError(Exception):
    """Bad arguments or unreadable input: exit 2."""


# --------------------------------------------------------------------------- arguments
def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Run csc-validator-be-903 (lac_validator) on an SSDA903 return and write a JSON report."
    )
    p.add_argument("--year", required=True, help='collection END year, e.g. "2025" for 2024/25')
    p.add_argument("--la", required=True, help="ONS upper-tier local authority code, e.g. E10000003")
    p.add_argument(
        "--this-year",
        required=True,
        metavar="DIR",
        help="folder with this year's header/episodes/uasc/reviews/missing.csv",
    )
    p.add_argument("--prev-year", metavar="DIR", help="folder with last year's return as sent (loaded as 'Prev year')")
    p.add_argument("--output", required=True, metavar="FILE", help="report.json to write")
    p.add_argument("--ch-lookup", metavar="XLSX", help="Ofsted children's homes list (or combined SCP/CH list)")
    p.add_argument("--scp-lookup", metavar="XLSX", help="Ofsted social care providers list")
    p.add_argument(
        "--rule-pack",
        metavar="YEAR",
        help="run this collection year's rule pack instead of --year's "
        "(metadata collectionYear stays --year); for years the validator has "
        "no pack for",
    )
    p.add_argument("--queries", default="", help="comma-separated extra rule codes to treat as queries")
    p.add_argument(
        "--frontend-copies",
        action="store_true",
        help="give rules the validator's shallow copies of the data, as its web "
        "front end does, so a rule that writes into a table (365 fills blank DEC) "
        "changes what later rules see; default is a fresh deep copy per rule",
    )
    p.add_argument("--verbose", action="store_true", help="let the validator log (INFO) and warnings through to stderr")
    a = p.parse_args(argv)

    if not re.fullmatch(r"20\d\d", a.year):
        raise InputError(f"--year must be a collection end year like 2025, got {a.year!r}") from None
    if a.rule_pack is not None and not re.fullmatch(r"20\d\d", a.rule_pack):
        raise InputError(f"--rule-pack must be a collection end year, got {a.rule_pack!r}") from None
    a.la = a.la.strip().upper()
    if not re.fullmatch(r"[ENSW]\d{8}", a.la):
        raise InputError(f"--la must be an ONS code like E10000003, got {a.la!r}") from None
    for opt in ("this_year", "prev_year"):
        d = getattr(a, opt)
        if d is not None and not os.path.isdir(d):
            raise InputError(f"--{opt.replace('_', '-')} {d!r} is not a folder") from None
    for opt in ("ch_lookup", "scp_lookup"):
        f = getattr(a, opt)
        if f is not None and not os.path.isfile(f):
            raise InputError(f"--{opt.replace('_', '-')} {f!r} not found") from None
    out_dir = os.path.dirname(os.path.abspath(a.output))
    if not os.path.isdir(out_dir):
        raise InputError(f"output folder {out_dir!r} does not exist") from None
    a.extra_queries = {c.strip() for c in a.queries.split(",") if c.strip()}
    return a


# --------------------------------------------------------------------------- input checks
def contract_files(folder, column_names):
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


# --------------------------------------------------------------------------- helpers
def safe_error_text(exc, allowed_names, limit=500):
    """Exception text with quoted literals redacted unless they are column/table names."""
    msg = f"{type(exc).__name__}: {exc}"

    def repl(m):
        inner = m.group(2)
        # keep column/table names and other letters-and-underscores identifiers (no digits,
        # spaces or punctuation, so no ids, dates, postcodes or free text)
        if inner in allowed_names or re.fullmatch(r"[A-Za-z_]{2,40}", inner):
            return m.group(0)
        return f"{m.group(1)}<redacted>{m.group(1)}"

    msg = QUOTED_RE.sub(repl, msg)
    msg = " ".join(msg.split())
    return msg[:limit] + ("..." if len(msg) > limit else "")


def crash_site(exc):
    """file:line of the innermost lac_validator frame of a traceback (no values)."""
    site = None
    for fr in traceback.extract_tb(exc.__traceback__):
        if "lac_validator" in fr.filename:
            parts = fr.filename.replace("\\", "/").split("/")
            site = f"{'/'.join(parts[-2:])}:{fr.lineno}"
    return site


def as_label_list(values):
    """Normalise a rule's per-table result to a list of index labels."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        return [values]
    if hasattr(values, "tolist"):
        values = values.tolist()
    try:
        return list(values)
    except TypeError:
        return [values]


def is_missing(v):
    try:
        return v is None or (isinstance(v, float) and math.isnan(v)) or bool(v != v)
    except Exception:
        return False


def jsonable(v):
    if hasattr(v, "item"):
        try:
            return v.item()
        except Exception:
            pass
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


def sex_codes(df):
    if df is None or "SEX" not in df.columns:
        return set()
    return {str(v) for v in df["SEX"].dropna().unique()}


def isolated_copy(store):
    """Deep copy of the data store, so no rule can change what the next one sees."""
    out = {}
    for k, v in store.items():
        if k == "metadata":
            out[k] = {
                mk: (mv.copy(deep=True) if hasattr(mv, "copy") and hasattr(mv, "columns") else mv)
                for mk, mv in v.items()
            }
        else:
            out[k] = v.copy(deep=True)
    return out


def write_json_atomic(path, obj):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ssda903_report.", suffix=".json", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- main run
def run(a):
    t_start = time.perf_counter()
    notes = []

    # Keep the validator's INFO logging and pandas warnings off the console by default.
    logging.basicConfig(
        level=logging.INFO if a.verbose else logging.ERROR,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not a.verbose:
        warnings.simplefilter("ignore")

    import importlib
    from importlib import metadata as importlib_metadata

    from lac_validator.config import column_names
    from lac_validator.datastore import copy_datastore, create_datastore, la_df
    from lac_validator.ingress import read_from_text
    from lac_validator.types import UploadError
    from lac_validator.utils import process_uploaded_files

    try:
        validator_version = importlib_metadata.version(PACKAGE)
    except importlib_metadata.PackageNotFoundError:
        validator_version = None

    # ---- rule pack
    pack_year = a.rule_pack or a.year
    pack_module = f"lac_validator.rules.lac{int(pack_year) - 1}_{pack_year[2:]}"
    try:
        registry = importlib.import_module(pack_module).registry
    except ModuleNotFoundError:
        import lac_validator.rules as rules_pkg

        packs = sorted(
            str(int(n[3:7]) + 1) for d in rules_pkg.__path__ for n in os.listdir(d) if re.fullmatch(r"lac\d{4}_\d\d", n)
        )
        raise InputError(
            f"validator {validator_version} has no rule pack for collection "
            f"year {pack_year}; packs exist for end years {', '.join(packs)} "
            "(use --rule-pack to run one of them)"
        ) from None
    if a.rule_pack and a.rule_pack != a.year:
        notes.append(
            f"rule pack for {a.rule_pack} run on collection year {a.year} "
            "(--rule-pack); collection_start/end come from --year"
        )

    # ---- files
    this_files = contract_files(a.this_year, column_names)
    if not this_files:
        raise InputError(f"{a.this_year}: none of {', '.join(CONTRACT_FILES)} found") from None
    prev_files = contract_files(a.prev_year, column_names) if a.prev_year else {}
    if a.prev_year and not prev_files:
        raise InputError(f"{a.prev_year}: none of {', '.join(CONTRACT_FILES)} found") from None

    lac_data = {"This year": list(this_files.values())}
    if prev_files:
        lac_data["Prev year"] = list(prev_files.values())
    if a.ch_lookup:
        lac_data["CH lookup"] = [a.ch_lookup]
    if a.scp_lookup:
        lac_data["SCP lookup"] = [a.scp_lookup]

    t0 = time.perf_counter()
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink):
            files_list = process_uploaded_files(lac_data)
            dfs, metadata_extras = read_from_text(files_list)
    except (UploadError, UnicodeDecodeError, ValueError, OSError) as e:
        raise InputError(f"validator could not read the files: {type(e).__name__}: {e}") from None
    except Exception as e:  # pandas parser errors and the like
        raise InputError(f"validator could not read the files: {type(e).__name__}") from None

    metadata = {"collectionYear": a.year, "localAuthority": a.la}
    metadata.update(metadata_extras)
    try:
        with contextlib.redirect_stdout(sink):
            store = create_datastore(dfs, metadata)
    except Exception as e:
        raise InputError(
            f"validator could not build its data store (postcode derivation): {type(e).__name__}"
        ) from None
    t_load = time.perf_counter() - t0

    # table name -> which file it came from
    table_source = {}
    for t, p in this_files.items():
        table_source[t] = ("this_year", os.path.basename(p))
    for t, p in prev_files.items():
        table_source[f"{t}_last"] = ("prev_year", os.path.basename(p))

    # ---- notes on known pitfalls (codes only, never child values)
    if a.la not in set(la_df["UTLA21CD"]):
        notes.append(
            f"{a.la} is not an upper-tier code in the validator's 2021 authority "
            "lookup; PL_LA/PL_LOCATION-based rules may misfire"
        )
    if "provider_info" not in metadata:
        notes.append("no Ofsted CH/SCP lookups loaded: URN rules (219, 221, 224, 227, 228, 229, 1008) skip")
    if not prev_files:
        notes.append("no previous-year files: rules reading *_last tables skip")
    new_sex = int(pack_year) >= 2025
    for tname, label in (("Header", "this year's"), ("Header_last", "last year's")):
        codes = sex_codes(store.get(tname))
        if not codes:
            continue
        if new_sex and codes & {"1", "2"}:
            extra = (
                " - rule 202 compares it as text with this year's M/F, recode it before loading"
                if tname == "Header_last"
                else ""
            )
            notes.append(f"{label} Header SEX uses 1/2 coding but the {pack_year} pack expects M/F/U{extra}")
        if not new_sex and codes & {"M", "F", "U"}:
            notes.append(f"{label} Header SEX uses M/F/U coding but the {pack_year} pack expects 1/2")
    for t in ("Episodes", "Header", "Reviews", "Missing", "UASC"):
        if t not in store:
            notes.append(f"{t} not supplied")

    allowed_names = set(CONTRACT_FILES.values()) | set(column_names)
    for t, df in store.items():
        if t != "metadata":
            allowed_names.add(t)
            allowed_names.update(map(str, df.columns))
    for cols in column_names.values():
        allowed_names.update(cols)
    allowed_names.update(
        {
            "UASC_STATUS",
            "PL_LA",
            "PL_LOCATION",
            "PL_DISTANCE",
            "index",
            "collection_start",
            "collection_end",
            "collectionYear",
            "localAuthority",
            "provider_info",
            "metadata",
        }
    )

    query_codes = set(QUERY_RULES) | a.extra_queries
    tables_present = {t for t in store if t != "metadata"}

    # ---- run every rule on its own
    rules_out = []
    t_rules0 = time.perf_counter()
    for code, rule in registry.items():
        code = str(rule.code)
        message = rule.message or ""
        fields = list(rule.affected_fields or [])
        rule_tables = [t for t in (rule.tables or []) if t]
        entry = {
            "code": code,
            "description": message,
            "status": None,
            "severity": "query" if code in query_codes else "error",
            "locations": [],
        }
        if CAVEAT_RE.search(message):
            entry["caveat"] = True

        ds_copy = copy_datastore(store) if a.frontend_copies else isolated_copy(store)
        r0 = time.perf_counter()
        try:
            with contextlib.redirect_stdout(sink):
                result = rule.func(ds_copy)
        except Exception as e:  # noqa: BLE001 - any rule failure is a crash, never a pass
            entry["status"] = "crashed"
            entry["error"] = safe_error_text(e, allowed_names)
            site = crash_site(e)
            if site:
                entry["error_at"] = site
            known = KNOWN_CRASHES.get(code)
            if known and int(pack_year) >= known[0]:
                entry["known_crash"] = known[1]
            entry["seconds"] = round(time.perf_counter() - r0, 3)
            rules_out.append(entry)
            sink.seek(0), sink.truncate()
            continue
        entry["seconds"] = round(time.perf_counter() - r0, 3)
        sink.seek(0), sink.truncate()

        if not isinstance(result, dict):
            entry["status"] = "crashed"
            entry["error"] = f"rule returned {type(result).__name__}, not a dict"
            rules_out.append(entry)
            continue
        if result == {}:
            entry["status"] = "skipped"
            missing = [t for t in rule_tables if t not in tables_present]
            if missing:
                entry["missing_tables"] = missing
            rules_out.append(entry)
            continue

        locations, false_positives, seen, nan_count = [], [], set(), 0
        for table, values in result.items():
            labels = as_label_list(values)
            df = store.get(table) if table != "metadata" else None
            tcols = set(map(str, df.columns)) if df is not None else set()
            tfields = [f for f in fields if f in tcols] or fields
            for lab in labels:
                if is_missing(lab):
                    nan_count += 1
                    continue
                key = (table, jsonable(lab))
                if key in seen:
                    continue
                seen.add(key)
                loc = {"table": table, "row": None, "child": None, "fields": tfields}
                pos = None
                if df is not None:
                    try:
                        pos = df.index.get_loc(lab)
                    except (KeyError, TypeError):
                        pos = None
                    if not isinstance(pos, int):  # duplicate labels give slices/masks
                        pos = None
                if pos is not None:
                    loc["row"] = pos + 1
                    if "CHILD" in tcols:
                        child = df["CHILD"].iat[pos]
                        loc["child"] = None if is_missing(child) else str(child)
                    if (
                        code == "146"
                        and pack_year == "2025"
                        and table == "Episodes"
                        and str(df["PLACE"].iat[pos]) == "K3"
                    ):
                        loc["note"] = (
                            "K3 rejected by the validator's 2024/25 list ('k3'): known false positive (DOMAIN.md 2.3)"
                        )
                        false_positives.append(loc)
                        continue
                else:
                    loc["index"] = jsonable(lab)
                    loc["note"] = "index not found in the table as loaded"
                src = table_source.get(table)
                if src:
                    loc["file"] = src[1]
                    if src[0] == "prev_year":
                        loc["year"] = "prev"
                locations.append(loc)
        if nan_count:
            entry["nan_locations_dropped"] = nan_count
        locations.sort(key=lambda loc: (loc["table"], loc["row"] is None, loc["row"] or 0, str(loc.get("index"))))
        entry["locations"] = locations
        if false_positives:
            # Reported, never counted: the rule is wrong there, not the return.
            entry["known_false_positives"] = false_positives
        entry["status"] = "failed" if locations else "passed"
        rules_out.append(entry)
    t_rules = time.perf_counter() - t_rules0

    rules_out.sort(
        key=lambda r: (0 if r["code"].isdigit() else 1, int(r["code"]) if r["code"].isdigit() else 0, r["code"])
    )

    def count(pred):
        return sum(1 for r in rules_out if pred(r))

    err_locs = [
        (r["code"], loc["table"], loc["row"], loc.get("index"))
        for r in rules_out
        if r["status"] == "failed" and r["severity"] == "error"
        for loc in r["locations"]
    ]
    qry_locs = [
        (r["code"], loc["table"], loc["row"], loc.get("index"))
        for r in rules_out
        if r["status"] == "failed" and r["severity"] == "query"
        for loc in r["locations"]
    ]
    summary = {
        "rules": len(rules_out),
        "passed": count(lambda r: r["status"] == "passed"),
        "failed_error": count(lambda r: r["status"] == "failed" and r["severity"] == "error"),
        "failed_query": count(lambda r: r["status"] == "failed" and r["severity"] == "query"),
        "skipped": count(lambda r: r["status"] == "skipped"),
        "crashed": count(lambda r: r["status"] == "crashed"),
        # flagged locations (rule x row), as in the validator's ErrorCounts
        "error_rows": len(err_locs),
        "query_rows": len(qry_locs),
        # distinct data rows carrying at least one error / query
        "error_rows_distinct": len({(t, r, i) for _, t, r, i in err_locs}),
        "query_rows_distinct": len({(t, r, i) for _, t, r, i in qry_locs}),
    }

    report = {
        "collection_year": a.year,
        "la": a.la,
        "validator_version": validator_version,
        "rule_pack": f"{int(pack_year) - 1}/{pack_year[2:]}",
        "script_version": SCRIPT_VERSION,
        "rule_isolation": (
            "shallow copies shared between rules (validator front end)" if a.frontend_copies else "deep copy per rule"
        ),
        "files": {
            "this_year": {t: os.path.basename(p) for t, p in this_files.items()},
            "prev_year": {t: os.path.basename(p) for t, p in prev_files.items()},
            "rows": {t: int(len(df)) for t, df in store.items() if t != "metadata"},
            "lookups": bool(metadata.get("provider_info") is not None),
        },
        "severity_source": {
            "queries": {c: QUERY_RULES.get(c, "--queries") for c in sorted(query_codes)},
            "rule": "validator and rules TSV carry no severity; listed codes are queries, all others errors",
        },
        "summary": summary,
        "timing": {
            "load_seconds": round(t_load, 2),
            "rules_seconds": round(t_rules, 2),
            "total_seconds": round(time.perf_counter() - t_start, 2),
        },
        "notes": notes,
        "rules": rules_out,
    }
    write_json_atomic(a.output, report)
    s = summary
    print(
        f"SSDA903 {a.year} {a.la}: {s['rules']} rules - {s['passed']} passed, "
        f"{s['failed_error']} failed (error, {s['error_rows']} locations), "
        f"{s['failed_query']} failed (query, {s['query_rows']} locations), "
        f"{s['skipped']} skipped, {s['crashed']} crashed; "
        f"{report['timing']['total_seconds']}s -> {a.output}"
    )
    return 0


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        return run(args)
    except InputError as e:
        print(f"ssda903_validate: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # argparse
        return 2 if e.code not in (0, None) else 0


if __name__ == "__main__":
    sys.exit(main())
