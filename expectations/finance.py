from expectations.common import SuiteContext, contract_expectations, end_not_before_start, known_in, suite
from ingest.contracts import entities_for


def suites(ctx: SuiteContext) -> dict:
    entities = {e.name: e for e in entities_for("finance")}
    commitments = [end_not_before_start("end_date", "start_date")]
    if ctx.case_children is not None:
        # Finance can run ahead of the case system by a day: report, do not refuse.
        commitments.append(known_in(ctx, "placement_commitments", "child_id", ctx.case_children, "unknown_case_child"))
    extra = {"placement_commitments": commitments, "budgets": []}
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra[name])
        for name, e in entities.items()
    }
