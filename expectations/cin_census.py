"""The CIN census's suites: the contract (keys, required values, codes) and the census's own date order."""

from expectations.common import (
    SuiteContext,
    contract_expectations,
    end_not_before_start,
    flagged,
    not_in_future,
    suite,
)
from ingest.contracts import entities_for

# Each episode item's start, which cannot come before the episode's CINreferralDate (the DfE's rules 8610, 8614,
# 8620 and 8640 say the same of assessments, Section 47s and plans).
STARTS = {
    "assessments": "assessment_start_date",
    "cin_plans": "plan_start_date",
    "section_47": "s47_start_date",
    "cp_plans": "plan_start_date",
}


def _not_before_referral(ctx: SuiteContext, entity: str) -> list:
    frame = ctx.frames.get(entity)
    if frame is None:
        return []
    start = frame[STARTS[entity]]
    ok = start.isna() | frame["referral_date"].isna() | (start >= frame["referral_date"])
    return [flagged(ctx, entity, "before_referral", STARTS[entity], ok)]


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
    for entity in STARTS:
        extra[entity] = extra[entity] + _not_before_referral(ctx, entity)
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra.get(name, []))
        for name, e in entities.items()
    }
