"""validation_report.md, as every return writes it from its validator's JSON report (outputs/returns/<name>/).

The JSON report of each return's validator script has the same shape (validator_common.summarise): a summary
and, per rule, its code, description, status (passed, failed, skipped, crashed), severity (error or query)
and the places it flags (table, row, child, fields).
"""

from __future__ import annotations

from pathlib import Path

CRASH_WORDS = (
    "the fault is in the DfE validator, not in the return, so this rule was not checked: check by hand that no "
    "record breaks it"
)


def write_markdown(report: dict, path: Path, held_back_by: list[str], label: str, tail: list[str]) -> None:
    """validation_report.md: READY or every reason not; the summary; each failing rule with every place it
    flags (errors apart from queries); then `tail`, the return's own account of the rules that did not run."""
    s = report["summary"]
    errors = [f"{s['failed_error']} rules with errors ({s['error_rows']} locations)"] if s["failed_error"] else []
    reasons = errors + held_back_by
    lines = [
        f"# {label} {report['collection_year']} validation ({report['la']})",
        "",
        "**READY to submit.**" if not reasons else "**NOT READY:** " + "; ".join(reasons) + ".",
        "",
        f"{s['rules']} rules: {s['passed']} passed, {s['failed_error']} failed as errors "
        f"({s['error_rows']} locations), {s['failed_query']} as queries ({s['query_rows']}), "
        f"{s['skipped']} skipped, {s['crashed']} crashed inside the validator.",
        "",
    ]
    for status, title in (("error", "Errors"), ("query", "Queries")):
        failed = [r for r in report["rules"] if r["status"] == "failed" and r["severity"] == status]
        lines += [f"## {title}", ""] + (["None."] if not failed else [])
        for r in failed:
            lines.append(f"### {r['code']}: {r.get('description', '')}")
            if not r["locations"]:
                lines += ["A rule about the return as a whole: it flags no single record.", ""]
                continue
            lines.append("| table | row | child | fields |")
            lines.append("|---|---|---|---|")
            lines += [
                f"| {loc['table']} | {loc['row']} | {loc['child']} | {', '.join(loc.get('fields') or [])} |"
                for loc in r["locations"]
            ]
            lines.append("")
        lines.append("")
    lines += tail
    path.write_text("\n".join(lines), encoding="utf-8")
