"""What stands between an SSDA903 return and READY, and validation_report.md: every rule that did not run, in words.

A return is READY only when it has no errors, covers a complete year and holds every table this year's rules
read. A rule skipped because last year's tables are absent, or because Ofsted's lists were not supplied, is
explained but does not hold the return back: the DfE has last year's return itself, and the lists only let
the URN rules run before the DfE's own tool runs them.
"""

from __future__ import annotations

from pathlib import Path

from outputs.returns.report import CRASH_WORDS
from outputs.returns.report import write_markdown as shared_markdown

# What each of the validator's tables holds, for a person reading why a rule was skipped.
TABLE_MEANINGS = {
    "Header": "one row per child in the return",
    "Episodes": "the year's episodes of care",
    "UASC": "unaccompanied asylum-seeking children",
    "Reviews": "looked-after reviews",
    "Missing": "missing and away from placement episodes",
    "OC2": "outcomes of children looked after for 12 months at 31 March",
    "OC3": "care leavers at their 17th to 21st birthdays",
    "AD1": "children adopted in the year",
    "PlacedAdoption": "decisions that a child should be placed for adoption",
    "PrevPerm": "permanence before the child came into care",
    "SWEpisodes": "the child's social workers",
    "DoLo": "deprivation of liberty orders",
}
LOOKUP_TABLES = {"Provider Info", "metadata"}
LOOKUP_WORDS = (
    "Ofsted's children's homes and social care providers lists (put both .xlsx files, as Ofsted publishes them, "
    "in CSCW_HOME/reference/; their names must contain 'home' and 'provider')"
)
# Rules that skip with every table present, and why.
SKIPPED_WITH_TABLES = {
    "105": "the Header's UASC field of the DfE XML layout, which CSV returns do not carry (the UASC table says it)",
}


def _is_last(table: str) -> bool:
    return table.endswith("_last")


def needed(rule: dict, report: dict) -> list[str]:
    """The skipped rule's missing inputs, each in words."""
    files = report.get("files", {}).get("contract", {})
    words = []
    for table in rule.get("missing_tables") or []:
        if table in LOOKUP_TABLES:
            words.append(LOOKUP_WORDS)
            continue
        base = table.removesuffix("_last")
        if base not in TABLE_MEANINGS:
            words.append(f"a table the validator calls {table}, which is not one of the return's")
            continue
        what = f"{base} ({files.get(base, base)}: {TABLE_MEANINGS[base]})"
        words.append(
            f"last year's {what}, which the warehouse's history does not reach"
            if _is_last(table)
            else f"{what}, not in the placements extract"
        )
    if words:
        return words
    return [SKIPPED_WITH_TABLES.get(rule["code"], "nothing more: its tables are present and it found nothing to check")]


def missing_tables(report: dict) -> list[str]:
    """This year's tables the year's rules read and the return lacks (they hold the return back)."""
    missing = {
        table
        for rule in report["rules"]
        if rule["status"] == "skipped"
        for table in rule.get("missing_tables") or []
        # Only the return's own tables: rule 542 declares "OC2s", a name no file has.
        if table in TABLE_MEANINGS
    }
    return sorted(missing)


def blockers(report: dict | None, partial: str | None) -> list[str]:
    """What holds the return back besides its errors, one sentence each: a partial year, a missing table."""
    reasons = [partial] if partial else []
    if report is None:
        return reasons
    if report["summary"]["rules"] == 0:
        reasons.append("no rule ran")
    files = report.get("files", {}).get("contract", {})
    reasons += [
        f"{table} ({files.get(table, table)}) is missing, so the rules that read it were not run"
        for table in missing_tables(report)
    ]
    return reasons


def write_markdown(report: dict, path: Path, held_back_by: list[str]) -> None:
    shared_markdown(report, path, held_back_by, "SSDA903", _not_run(report))


def _not_run(report: dict) -> list[str]:
    crashed = [r for r in report["rules"] if r["status"] == "crashed"]
    skipped = [r for r in report["rules"] if r["status"] == "skipped"]
    lines = ["## Crashed (not run)", ""] + (["None."] if not crashed else [])
    for r in crashed:
        known = f" (known: {r['known_crash']})" if r.get("known_crash") else ""
        lines.append(f"- **{r['code']}**: {r.get('description', '')} Crashed{known}: {CRASH_WORDS}.")
    lines += ["", "## Skipped", ""] + (["None."] if not skipped else [])
    lines += [f"- **{r['code']}**: {r.get('description', '')} Needs {'; '.join(needed(r, report))}." for r in skipped]
    return [*lines, ""]
