"""The committee report as an asset: from the marts it reads, after a night has published them.

It reads the published warehouse (what analysts and the committee see), never the working copy, so it
is not part of the nightly job: it has its own job, `committee_report`, run by `cscw report` or from
the UI, and a monthly schedule for the first working morning of the month. The lineage shows which
marts feed it.
"""

import dagster as dg

from orchestration.defs.returns.factory import return_keys
from orchestration.lib.resources import WarehouseResource
from outputs.report.committee import month_end, write_report

REPORT_KEY = dg.AssetKey(["reports", "committee_report"])
REPORT_GROUP = "reports"
# The marts write_report reads (outputs/report/): the report changes when they do.
MARTS = [
    dg.AssetKey(["scorecard", "scorecard_indicators"]),
    dg.AssetKey(["lac", "lac_measures"]),
    dg.AssetKey(["camhs", "camhs_weekly_waiting_list"]),
    dg.AssetKey(["finance", "finance_key_activity_data"]),
    *return_keys(),
]


class ReportConfig(dg.Config):
    month: str | None = None  # YYYY-MM; the latest complete month when not given
    pdf: bool = True


@dg.asset(
    key=REPORT_KEY,
    deps=MARTS,
    group_name=REPORT_GROUP,
    kinds={"html", "pdf"},
    description="The committee's monthly finance and performance report (HTML, PDF) and the publication CSVs, "
    "suppressed, from the published warehouse",
)
def committee_report(config: ReportConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    written = write_report(warehouse.settings, month_end(config.month) if config.month else None, pdf=config.pdf)
    return dg.MaterializeResult(
        metadata={
            "month": f"{written.period_end:%Y-%m}",
            "html": dg.MetadataValue.path(str(written.html)),
            "pdf": dg.MetadataValue.path(str(written.pdf)) if written.pdf else "not printed",
            "render_seconds": round(written.seconds, 1),
        }
    )


def report_run_config(month: str | None = None, pdf: bool = True) -> dict:
    """Run config for the committee_report job: which month (YYYY-MM), and whether to print the PDF."""
    config = {"pdf": pdf} | ({"month": month} if month else {})
    return {"ops": {REPORT_KEY.to_python_identifier(): {"config": config}}}


committee_report_job = dg.define_asset_job(
    "committee_report",
    selection=dg.AssetSelection.groups(REPORT_GROUP),
    description="Write the committee report from the published warehouse",
    executor_def=dg.in_process_executor,
)

committee_report_schedule = dg.ScheduleDefinition(
    name="committee_report_schedule",
    job=committee_report_job,
    cron_schedule="0 7 1 * *",
    execution_timezone="Europe/London",
    description="The month's committee report at 07:00 UK time on the 1st, after that night has published",
)
