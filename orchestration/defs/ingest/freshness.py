"""Freshness: a WARN check per source when raw._ledger's latest load is older than expected.

The expected intervals are each source's expected_interval_days (ingest/contracts/<source>.py). A grace period is
added so that a night running a little later than the one before does not warn.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from ingest.contracts import EXPECTED_LOAD_INTERVAL_DAYS, SOURCES, entities_for, source_named
from ingest.ledger import last_loaded_at
from orchestration.lib.ingest_assets import raw_asset_key
from orchestration.lib.resources import WarehouseResource

GRACE = timedelta(hours=6)


def freshness_verdict(source: str, loaded_at: datetime | None, now: datetime) -> dg.AssetCheckResult:
    expected = timedelta(days=EXPECTED_LOAD_INTERVAL_DAYS[source])
    age = None if loaded_at is None else now - loaded_at
    # An alternative layout (the CIN census beside the case CSVs) that never landed is a council's choice.
    not_sent = age is None and source_named(source).may_never_land
    return dg.AssetCheckResult(
        passed=not_sent or (age is not None and age <= expected + GRACE),
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{source}: never loaded" + (" (an alternative layout this council does not send)" if not_sent else "")
            if age is None
            else f"{source} last loaded {age.total_seconds() / 3600:.1f} hours ago "
            f"(expected every {EXPECTED_LOAD_INTERVAL_DAYS[source]} day(s), {GRACE} grace)"
        ),
        metadata={
            "last_loaded_at_utc": str(loaded_at),
            "expected_interval_days": EXPECTED_LOAD_INTERVAL_DAYS[source],
            "age_hours": None if age is None else round(age.total_seconds() / 3600, 1),
        },
    )


def build_freshness_check(source: str) -> dg.AssetChecksDefinition:
    # On the source's first table: the ledger speaks for the whole snapshot, so one check per source.
    @dg.asset_check(
        asset=raw_asset_key(entities_for(source)[0]),
        name=f"{source}_freshness",
        blocking=False,
        description=f"{source} loaded within {EXPECTED_LOAD_INTERVAL_DAYS[source]} day(s) (raw._ledger), else WARN",
    )
    def _freshness(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            loaded_at = last_loaded_at(con, source)
        return freshness_verdict(source, loaded_at, datetime.now(UTC).replace(tzinfo=None))

    return _freshness


freshness_checks = [build_freshness_check(source) for source in SOURCES]
