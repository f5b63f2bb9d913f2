from expectations.common import SuiteContext, contract_expectations, end_not_before_start, suite
from ingest.contracts import entities_for


def suites(ctx: SuiteContext) -> dict:
    entities = {e.name: e for e in entities_for("camhs")}
    extra = {
        "referrals": [
            end_not_before_start("first_contact_date", "referral_received_date"),
            end_not_before_start("treatment_start_date", "referral_received_date"),
            end_not_before_start("treatment_start_date", "first_contact_date"),
            end_not_before_start("discharge_date", "referral_received_date"),
        ],
        "list_closures": [end_not_before_start("closed_to", "closed_from")],
        "trajectory": [],
    }
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra[name])
        for name, e in entities.items()
    }
