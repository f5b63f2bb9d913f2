"""Every rule the load gate applies, what kind of problem it is, and why: the one place the classification lives.

Four kinds, each handled its own way (README "How a night runs" prints the same table):

- structural: the file or snapshot as a whole cannot be trusted. The snapshot is refused: copied to
  quarantine with its report, nothing of it is loaded, yesterday's data stays.
- suspect: a well-formed snapshot that looks like a broken export (far fewer rows or children looked after
  than the last one published). Refused like a structural problem until someone runs
  `cscw accept <source> <date>`; the acceptance is recorded in the ledger.
- row: one row cannot be used (a key or required value blank, a value that is not its type, an
  interval that ends before it starts, a duplicated key). That row is quarantined and the rest of the
  file loads; the snapshot is refused only when a file's quarantined share passes the threshold
  (warehouse/settings.py GATE_*), so a broken export is still stopped.
- flag: a business-rule breach real case systems contain. The row loads and the problem is listed in
  the data-quality mart; where it would distort a measure, one intermediate model resolves it by a
  documented rule (episode overlaps: dbt_project/models/intermediate/lac/int_episodes_resolved.sql).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["structural", "suspect", "row", "flag"]
REFUSING_KINDS = ("structural", "suspect")


@dataclass(frozen=True)
class Rule:
    code: str
    kind: Kind
    why: str
    key_kind: Kind | None = None  # the kind when the column is part of the row's key
    allowed_empty_kind: Kind | None = None  # the kind on a file the contract allows to be empty


RULES = {
    rule.code: rule
    for rule in (
        # structural: refuse the snapshot
        Rule(
            "file_missing",
            "structural",
            "a contract file is absent: the snapshot is incomplete (an optional SSDA903 table is published empty "
            "instead)",
        ),
        Rule(
            "unreadable",
            "structural",
            "the bytes are not UTF-8 or Windows-1252 text, or not a workbook, or (a census) not well-formed XML",
        ),
        Rule(
            "not_census",
            "structural",
            "an XML file that is no CIN census: its root is not Message, or its Header has no ReferenceDate",
        ),
        Rule("empty_file", "structural", "zero bytes or no header row: an export that did not run"),
        Rule(
            "header_only",
            "structural",
            "a file that is never empty at a council has no rows",
            allowed_empty_kind="flag",
        ),
        Rule("missing_column", "structural", "a required column is absent or renamed: no row can be read"),
        Rule("ragged_row", "structural", "a row with more or fewer fields than the header: truncated or mis-delimited"),
        Rule("duplicate_column", "structural", "the header names a column twice: which one is meant cannot be known"),
        Rule("symlink", "structural", "a landing file or folder is a symbolic link: only real files are read"),
        Rule("bad_folder_name", "structural", "a folder named like a date that is not one (2026-13-01)"),
        Rule("future_snapshot", "structural", "a folder dated after today would block every genuine date before it"),
        Rule("older_snapshot", "structural", "a folder older than the published snapshot would move the data back"),
        Rule(
            "too_many_quarantined",
            "structural",
            "more of a file's rows are quarantined than the threshold allows: a broken export, not a few bad rows",
        ),
        # suspect: refused until accepted
        Rule("row_count_drop", "suspect", "a file has far fewer rows than the last published snapshot"),
        Rule("looked_after_drop", "suspect", "far fewer children looked after on the extract date than last published"),
        # row: quarantine the row, load the rest
        Rule("date_format", "row", "not a real date in YYYY-MM-DD or DD/MM/YYYY"),
        Rule("int_format", "row", "not a whole number"),
        Rule("float_format", "row", "not a number (1,234.56 and £1,234 are; 1.234,56 written the European way is not)"),
        Rule("negative_value", "row", "a cost, count or budget below zero"),
        Rule("control_character", "row", "a NUL or other control character inside a value: the cell is damaged"),
        Rule("not_null", "row", "a key or required value is blank: the row cannot be placed"),
        Rule(
            "duplicate_key",
            "row",
            "the key repeats an earlier row: the first row in file order (of those with no other row fault) is "
            "kept, the later ones are quarantined",
        ),
        Rule("future_date", "row", "a birth or start after the extract date cannot have happened"),
        Rule("end_before_start", "row", "the row's interval ends before it starts: it cannot be placed on a timeline"),
        Rule("code_list", "flag", "a code not on the DfE/NHS list: loaded, decoded as unknown", key_kind="row"),
        # flag: load and list
        Rule("upn_format", "flag", "a UPN not in the DfE format (or UN1-UN5): the return's rules will query it"),
        Rule("unknown_child", "flag", "a placement record for a child missing from header.csv"),
        Rule("unknown_case_child", "flag", "a finance commitment for a child the case system does not hold yet"),
        Rule(
            "episode_overlap",
            "flag",
            "an episode starts before the child's previous one ended: the earlier one is taken to end at the "
            "later DECOM (int_episodes_resolved)",
        ),
        Rule("born_after_episode_start", "flag", "the child's DOB in header.csv is after the episode's DECOM"),
        Rule(
            "before_referral",
            "flag",
            "a CIN census assessment, CIN plan, Section 47 enquiry or CP plan starts before its CIN episode's "
            "referral date",
        ),
        Rule(
            "formula_text",
            "flag",
            "a text value starting with =, + or @ (a spreadsheet formula): "
            "loaded, and neutralised in every CSV written",
        ),
        Rule(
            "other_file",
            "flag",
            "another file that could be the same table (episodes.xlsx beside episodes.csv, "
            "episodes (1).csv): the one read is named, the others are not read",
        ),
        Rule(
            "unchanged_snapshot",
            "flag",
            "the snapshot is byte-identical to the last one loaded: nothing loads, and for a source expected every "
            "night the export looks stuck",
        ),
    )
}


def kind_of(code: str, *, key: bool = False, allowed_empty: bool = False) -> Kind:
    rule = RULES[code]
    if key and rule.key_kind:
        return rule.key_kind
    if allowed_empty and rule.allowed_empty_kind:
        return rule.allowed_empty_kind
    return rule.kind


def markdown_table() -> str:
    """The classification as the README shows it (a test keeps the two the same)."""
    lines = ["| rule | kind | why |", "|---|---|---|"]
    for rule in RULES.values():
        kind = (
            rule.kind
            + (f" ({rule.key_kind} on a key column)" if rule.key_kind else "")
            + (f" ({rule.allowed_empty_kind} on a file allowed to be empty)" if rule.allowed_empty_kind else "")
        )
        lines.append(f"| `{rule.code}` | {kind} | {rule.why} |")
    return "\n".join(lines)
