"""When the nightly job runs: on a schedule, and when a new dated landing folder arrives.

Both start the same job, which loads every waiting folder, so a folder caught by the sensor is not
loaded again by the schedule (the ledger) and one missed by the sensor is loaded by the schedule.
Runs never overlap on the warehouse: each holds the writer lock (warehouse/serving.py) and a run
started while another is going waits for it.

Both start stopped, as Dagster's automations do: switch them on in the UI (Automation) or with
`dagster schedule start nightly_schedule` / `dagster sensor start landing_sensor`.
"""

import json

import dagster as dg

from ingest.contracts import SOURCES
from ingest.readers import dated_folders
from warehouse.connection import connect_duckdb, table_exists
from warehouse.settings import DEFAULT_NIGHTLY_CRON, NIGHTLY_CRON_ENV, get_settings, nightly_cron

JOB = "nightly"

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job_name=JOB,
    cron_schedule=nightly_cron(),
    execution_timezone="Europe/London",
    description=f"The nightly load at {DEFAULT_NIGHTLY_CRON} UK time unless {NIGHTLY_CRON_ENV} gives another cron",
)


def _published_dates() -> dict[str, str]:
    """The newest folder per source the published warehouse has loaded: where a new sensor starts, so
    switching it on does not request a run for every folder already loaded."""
    settings = get_settings()
    if not settings.warehouse.exists():
        return {}
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        if not table_exists(con, "raw", "_ledger"):
            return {}
        rows = con.execute("select source, max(extract_date)::varchar from raw._ledger group by source").fetchall()
    return dict(rows)


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=60,
    description="One nightly run per new landing/<source>/<YYYY-MM-DD>/ folder, once per folder",
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """The cursor holds the newest folder seen per source; a folder at or before it never triggers
    again (an older folder arriving late is the schedule's to refuse, loudly). run_key source/date
    makes Dagster drop a request it has already launched, should the cursor ever be lost."""
    newest: dict[str, str] = json.loads(context.cursor) if context.cursor else _published_dates()
    landing = get_settings().landing
    requests = []
    for source in SOURCES:
        for extract_date, _ in dated_folders(landing, source):
            day = extract_date.isoformat()
            if day > newest.get(source, ""):
                requests.append(
                    dg.RunRequest(run_key=f"{source}/{day}", tags={"cscw/source": source, "cscw/extract_date": day})
                )
                newest[source] = day
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(newest, sort_keys=True))
