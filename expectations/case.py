from expectations.common import SuiteContext, contract_expectations, end_not_before_start, not_in_future, suite
from ingest.contracts import entities_for


def suites(ctx: SuiteContext) -> dict:
    entities = {e.name: e for e in entities_for("case")}
    extra = {
        "children": [not_in_future("date_of_birth", ctx)],
        "referrals": [
            end_not_before_start("closure_date", "referral_date"),
            end_not_before_start("assessment_authorised_date", "assessment_start_date"),
        ],
        "cin_plans": [end_not_before_start("plan_end_date", "plan_start_date")],
        "cp_plans": [end_not_before_start("plan_end_date", "plan_start_date")],
        "section_47": [not_in_future("s47_start_date", ctx), end_not_before_start("icpc_date", "s47_start_date")],
        "edge_of_care": [end_not_before_start("end_date", "start_date")],
    }
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra[name])
        for name, e in entities.items()
    }
