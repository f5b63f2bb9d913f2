"""The CIN census's suites: the contract (keys, required values, codes) and the census's own date order."""

from expectations.common import SuiteContext, contract_expectations, end_not_before_start, not_in_future, suite
from ingest.contracts import entities_for


def suites(ctx: SuiteContext) -> dict:
    entities = {e.name: e for e in entities_for("cin_census")}
    extra = {
        "children": [not_in_future("date_of_birth", ctx), end_not_before_start("death_date", "date_of_birth")],
        "referrals": [not_in_future("referral_date", ctx), end_not_before_start("closure_date", "referral_date")],
        "assessments": [end_not_before_start("assessment_authorised_date", "assessment_start_date")],
        "cin_plans": [end_not_before_start("plan_end_date", "plan_start_date")],
        "section_47": [end_not_before_start("icpc_date", "s47_start_date")],
        "cp_plans": [end_not_before_start("plan_end_date", "plan_start_date")],
    }
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra.get(name, []))
        for name, e in entities.items()
    }
