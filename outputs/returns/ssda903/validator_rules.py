"""Each DfE rule run on its own copy of the data, and what it flags turned into rows of the files as sent.

Part of the standalone validator script (validator.py): the standard library only, and the pandas
objects the validator hands over; never anything from this project.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

# Rules treated as queries (see validator.py's docstring for the source of each).
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
# Names the validator adds to the data store: kept in crash texts, like the tables' own column names.
DERIVED_NAMES = {
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
K3_FALSE_POSITIVE = "K3 rejected by the validator's 2024/25 list ('k3'): known false positive (DOMAIN.md 2.3)"
# SW12STG2 pairs every episode with every social-worker episode of the child. An open episode's blank REC
# passes its "ceased, not X1" test and its blank DEC then fails every comparison, so each child in care at
# 31 March whose current episode is not their first is flagged (the validator's own front end hides this:
# rule 365 has already filled blank DECs in place). A child with two periods of care in the window has each
# period's workers compared with the other period's episodes.
SW12_FALSE_POSITIVE = (
    "SW12STG2 on an episode still open at 31 March, or of a child who left care and came back in the window: "
    "known false positive of validator 0.1.17"
)
# Rules 628 and 612 leave a care leaver not looked after in the year without MOTHER and so without MC_DOB;
# 624 then refuses the MC_DOB sent last year, while the young person was still in care.
CARE_LEAVER_MC_DOB = "624 on a care leaver not looked after in the year (628 and 612 blank MC_DOB): rules in conflict"
# SW17STG2 ("no social worker episode open at 31 March") and SW11b ("ended before 31 March and no subsequent
# social worker episode") are tested on every child, also those who left care in the year and whose case closed.
SW17_LEFT_CARE = "on a child no longer looked after at 31 March: known false positive of validator 0.1.17"
FALSE_POSITIVES = (K3_FALSE_POSITIVE, SW12_FALSE_POSITIVE, CARE_LEAVER_MC_DOB, SW17_LEFT_CARE)


@dataclass
class RuleRun:
    """What every rule is run against: the data store and what a location is reported with."""

    store: dict
    pack_year: str
    allowed_names: set[str]
    # table name -> ("this_year" | "prev_year", the file it came from)
    table_source: dict[str, tuple[str, str]]
    sink: io.StringIO = field(default_factory=io.StringIO)


def safe_error_text(exc: BaseException, allowed_names: set[str], limit: int = 500) -> str:
    """Exception text with quoted literals redacted unless they are column/table names."""
    msg = f"{type(exc).__name__}: {exc}"

    def redact(match: re.Match) -> str:
        inner = match.group(2)
        # keep column/table names and other letters-and-underscores identifiers (no digits,
        # spaces or punctuation, so no ids, dates, postcodes or free text)
        if inner in allowed_names or re.fullmatch(r"[A-Za-z_]{2,40}", inner):
            return match.group(0)
        return f"{match.group(1)}<redacted>{match.group(1)}"

    msg = " ".join(QUOTED_RE.sub(redact, msg).split())
    return msg[:limit] + ("..." if len(msg) > limit else "")


def crash_site(exc: BaseException) -> str | None:
    """file:line of the innermost lac_validator frame of a traceback (no values)."""
    site = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if "lac_validator" in frame.filename:
            parts = frame.filename.replace("\\", "/").split("/")
            site = f"{'/'.join(parts[-2:])}:{frame.lineno}"
    return site


def as_label_list(values: Any) -> list:
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


def is_missing(value: Any) -> bool:
    try:
        return value is None or (isinstance(value, float) and math.isnan(value)) or bool(value != value)
    except Exception:
        return False


def jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        try:
            return value.item()
        except Exception:
            pass
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def isolated_copy(store: dict) -> dict:
    """Deep copy of the data store, so no rule can change what the next one sees."""
    out = {}
    for key, value in store.items():
        if key == "metadata":
            out[key] = {
                name: (item.copy(deep=True) if hasattr(item, "copy") and hasattr(item, "columns") else item)
                for name, item in value.items()
            }
        else:
            out[key] = value.copy(deep=True)
    return out


def run_rule(rule: Any, run: RuleRun) -> dict:
    """One rule's entry in the report: passed, failed (with its locations), skipped or crashed."""
    code, message = str(rule.code), rule.message or ""
    entry = {
        "code": code,
        "description": message,
        "status": None,
        "severity": "query" if code in QUERY_RULES else "error",
        "locations": [],
    }
    if CAVEAT_RE.search(message):
        entry["caveat"] = True
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(run.sink):
            result = rule.func(isolated_copy(run.store))
    except Exception as error:  # noqa: BLE001 - any rule failure is a crash, never a pass
        entry.update(_crash(code, error, run))
        entry["seconds"] = round(time.perf_counter() - started, 3)
        return entry
    finally:
        run.sink.seek(0), run.sink.truncate()
    entry["seconds"] = round(time.perf_counter() - started, 3)
    if not isinstance(result, dict):
        entry["status"] = "crashed"
        entry["error"] = f"rule returned {type(result).__name__}, not a dict"
    elif result == {}:
        entry["status"] = "skipped"
        missing = [t for t in (rule.tables or []) if t and (t == "metadata" or t not in run.store)]
        if missing:
            entry["missing_tables"] = missing
    else:
        entry.update(_flagged(code, result, list(rule.affected_fields or []), run))
    return entry


def _crash(code: str, error: Exception, run: RuleRun) -> dict:
    crash = {"status": "crashed", "error": safe_error_text(error, run.allowed_names)}
    site = crash_site(error)
    if site:
        crash["error_at"] = site
    known = KNOWN_CRASHES.get(code)
    if known and int(run.pack_year) >= known[0]:
        crash["known_crash"] = known[1]
    return crash


def _flagged(code: str, result: dict, fields: list[str], run: RuleRun) -> dict:
    """A rule's {table: [index labels]} as rows of the files, one location per (table, label)."""
    locations, false_positives, seen, nan_count = [], [], set(), 0
    for table, values in result.items():
        df = run.store.get(table) if table != "metadata" else None
        columns = set(map(str, df.columns)) if df is not None else set()
        table_fields = [f for f in fields if f in columns] or fields
        for label in as_label_list(values):
            if is_missing(label):
                nan_count += 1
                continue
            key = (table, jsonable(label))
            if key in seen:
                continue
            seen.add(key)
            location = _location(code, table, label, df, table_fields, run)
            if location.get("note") in FALSE_POSITIVES:
                false_positives.append(location)
            else:
                locations.append(location)
    flagged: dict = {}
    if nan_count:
        flagged["nan_locations_dropped"] = nan_count
    locations.sort(key=lambda loc: (loc["table"], loc["row"] is None, loc["row"] or 0, str(loc.get("index"))))
    flagged["locations"] = locations
    if false_positives:
        # Reported, never counted: the rule is wrong there, not the return.
        flagged["known_false_positives"] = false_positives
    flagged["status"] = "failed" if locations else "passed"
    return flagged


def _location(code: str, table: str, label: Any, df: Any, fields: list[str], run: RuleRun) -> dict:
    location = {"table": table, "row": None, "child": None, "fields": fields}
    position = None
    if df is not None:
        try:
            position = df.index.get_loc(label)
        except (KeyError, TypeError):
            position = None
        if not isinstance(position, int):  # duplicate labels give slices/masks
            position = None
    if position is None:
        location["index"] = jsonable(label)
        location["note"] = "index not found in the table as loaded"
    else:
        location["row"] = position + 1
        if "CHILD" in set(map(str, df.columns)):
            child = df["CHILD"].iat[position]
            location["child"] = None if is_missing(child) else str(child)
        if code == "146" and run.pack_year == "2025" and table == "Episodes" and str(df["PLACE"].iat[position]) == "K3":
            location["note"] = K3_FALSE_POSITIVE
            return location  # a false positive: no file, as before
        if code == "624" and table == "Header" and _care_leaver_only(df, position, run.store):
            location["note"] = CARE_LEAVER_MC_DOB
            return location
        left_care = table == "SWEpisodes" and _left_care(df["CHILD"].iat[position], run.store)
        if code in ("SW17STG2", "SW11bSTG2") and left_care:
            location["note"] = SW17_LEFT_CARE
            return location
        if code == "SW12STG2" and table == "Episodes" and _sw12_false_positive(df, position):
            location["note"] = SW12_FALSE_POSITIVE
            return location
    source = run.table_source.get(table)
    if source:
        location["file"] = source[1]
        if source[0] == "prev_year":
            location["year"] = "prev"
    return location


def _care_leaver_only(header: Any, position: int, store: dict) -> bool:
    episodes = store.get("Episodes")
    child = header["CHILD"].iat[position]
    return is_missing(header["MOTHER"].iat[position]) and (episodes is None or not (episodes["CHILD"] == child).any())


def _left_care(child: Any, store: dict) -> bool:
    """The child's episodes in the year are all closed: not looked after at 31 March."""
    episodes = store.get("Episodes")
    if episodes is None:
        return False
    own = episodes[episodes["CHILD"] == child]
    return len(own) > 0 and bool(own["DEC"].notna().all())


def _sw12_false_positive(episodes: Any, position: int) -> bool:
    """The episode is open, or the child's episodes show a period of care ending before a later one began."""
    if is_missing(episodes["DEC"].iat[position]):
        return True
    import pandas as pd

    own = episodes[episodes["CHILD"] == episodes["CHILD"].iat[position]]
    start = pd.to_datetime(own["DECOM"], format="%d/%m/%Y", errors="coerce")
    end = pd.to_datetime(own["DEC"], format="%d/%m/%Y", errors="coerce")
    latest_start = start[own["RNE"] == "S"].max()
    ended = own["REC"].notna() & (own["REC"] != "X1") & (end <= latest_start)
    return bool(ended.any())


def names_kept_in_crash_texts(store: dict, tables: set[str]) -> set[str]:
    from lac_validator.config import column_names

    allowed = tables | set(column_names) | DERIVED_NAMES
    for table, df in store.items():
        if table != "metadata":
            allowed.add(table)
            allowed.update(map(str, df.columns))
    for columns in column_names.values():
        allowed.update(columns)
    return allowed


def sort_by_code(rules: list[dict]) -> list[dict]:
    return sorted(
        rules, key=lambda r: (0 if r["code"].isdigit() else 1, int(r["code"]) if r["code"].isdigit() else 0, r["code"])
    )
