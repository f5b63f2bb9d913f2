"""The nightly asset of a return records what the export found, and warns without failing the night.

Moved from tests/orchestration/test_defs.py when the asset became one made by the returns' factory.
"""

import dagster as dg


def _report(*failing: tuple[str, str, dict]) -> dict:
    """A validator report with these failing rules: (code, severity, location)."""
    rules = [
        {"code": code, "description": f"rule {code}", "status": "failed", "severity": severity, "locations": [location]}
        for code, severity, location in failing
    ]
    errors = [r for r in rules if r["severity"] == "error"]
    return {
        "summary": {
            "rules": 200,
            "passed": 200 - len(rules) - 2,
            "failed_error": len(errors),
            "failed_query": len(rules) - len(errors),
            "skipped": 0,
            "crashed": 2,
            "error_rows": len(errors),
            "query_rows": len(rules) - len(errors),
        },
        "rules": rules,
    }


def test_a_return_with_errors_or_a_failed_validator_is_recorded_with_a_warning(cscw_home, monkeypatch):
    from orchestration.defs.returns.factory import build_return_asset
    from orchestration.lib.resources import WarehouseResource
    from outputs.returns.ssda903 import RETURN, ReturnResult
    from warehouse.connection import connect_duckdb

    folder = cscw_home.exports / "ssda903" / "2026"
    upn = {"table": "Header", "row": 3, "child": "C0000042", "fields": ["UPN", "DOB"]}
    outcomes = {
        "errors": ReturnResult(
            2026,
            folder,
            {"episodes": 9},
            _report(("209", "error", upn), ("1001", "query", {**upn, "fields": ["CHILD"]})),
        ),
        "validator failed": ReturnResult(2026, folder, {"episodes": 9}, None, failure="the validator stopped"),
    }
    states = {}
    for name, outcome in outcomes.items():
        monkeypatch.setattr(
            type(RETURN), "export_and_validate", lambda self, con, exports, la, outcome=outcome: outcome
        )
        result = dg.materialize(
            [build_return_asset(RETURN)], resources={"warehouse": WarehouseResource()}, raise_on_error=False
        )
        assert result.success, name  # recorded, not raised: the publish step after it still runs
        [check] = result.get_asset_check_evaluations()
        assert (check.check_name, check.passed, check.severity) == (
            "ssda903_return_valid",
            False,
            dg.AssetCheckSeverity.WARN,
        ), name
        states[name] = check.metadata["state"].value
        with connect_duckdb(cscw_home.build_warehouse, read_only=True) as con:
            status = con.execute(
                "select collection_year, ready, error_rules, children_with_errors from data_quality.return_status"
            ).fetchall()
            flags = con.execute(
                "select rule_code, severity, child_id, table_name, fields, row_number "
                "from data_quality.return_validation_flags order by rule_code"
            ).fetchall()
        if name == "errors":
            assert status == [(2026, False, 1, 1)]
            assert flags == [
                ("1001", "query", "C0000042", "Header", "CHILD", 3),
                ("209", "error", "C0000042", "Header", "UPN, DOB", 3),
            ]
        else:  # the same return's rows replaced: one status, no flags, counts unknown
            assert status == [(2026, False, None, None)] and flags == []
    assert states["errors"].startswith(
        "SSDA903 2025/26: NOT READY: 1 rule with errors on 1 child, 1 rule with queries; report "
    )
    assert states["validator failed"].startswith("SSDA903 2025/26: NOT READY: the DfE validator could not run")
