from expectations.common import SuiteContext, contract_expectations, suite
from ingest.contracts import entities_for


def suites(ctx: SuiteContext) -> dict:
    return {f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e)) for e in entities_for("reference")}
