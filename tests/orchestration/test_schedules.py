"""The nightly schedule, the landing sensor, the freshness checks and where the UI listens."""

import importlib
import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from ingest.ledger import LEDGER_DDL
from orchestration.cli import main as cscw
from orchestration.defs import schedules
from orchestration.defs.ingest.freshness import build_freshness_check
from orchestration.lib.resources import WarehouseResource
from warehouse.connection import connect_duckdb
from warehouse.serving import publish


def _land(settings, *folders: str) -> None:
    for folder in folders:
        (settings.landing / folder).mkdir(parents=True)


def _tick(instance, cursor=None):
    result = schedules.landing_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))
    return [(r.run_key, r.tags) for r in result.run_requests], result.cursor


def test_sensor_requests_one_run_per_new_dated_folder_and_each_folder_once(cscw_home):
    _land(cscw_home, "case/2024-04-01", "case/2024-04-02", "placements/2024-04-02", "case/not-a-date")
    with dg.DagsterInstance.ephemeral() as instance:
        requests, cursor = _tick(instance)
        assert requests == [
            ("case/2024-04-01", {"cscw/source": "case", "cscw/extract_date": "2024-04-01"}),
            ("case/2024-04-02", {"cscw/source": "case", "cscw/extract_date": "2024-04-02"}),
            ("placements/2024-04-02", {"cscw/source": "placements", "cscw/extract_date": "2024-04-02"}),
        ]
        assert _tick(instance, cursor)[0] == []  # the same folders on the next tick: nothing

        _land(cscw_home, "finance/2024-04-03", "case/2024-03-30")  # a new one, and a late older one
        requests, cursor = _tick(instance, cursor)
        assert [key for key, _ in requests] == ["finance/2024-04-03"]
        assert _tick(instance, cursor)[0] == []
    assert schedules.landing_sensor.job_name == "nightly"


def test_a_new_sensor_starts_after_the_folders_the_published_warehouse_has_loaded(cscw_home):
    with connect_duckdb(cscw_home.build_warehouse) as con:
        con.execute(LEDGER_DDL)
        con.execute(
            "insert into raw._ledger values ('case', date '2024-04-01', 'children.csv', 'h', 'f', 3, "
            "'loaded', now()::timestamp, null)"
        )
    publish(cscw_home)
    _land(cscw_home, "case/2024-04-01", "case/2024-04-02")
    with dg.DagsterInstance.ephemeral() as instance:
        requests, cursor = _tick(instance)
    assert [key for key, _ in requests] == ["case/2024-04-02"]
    assert json.loads(cursor) == {"case": "2024-04-02"}


def test_schedule_is_nightly_in_london_time_and_its_time_is_configurable(monkeypatch):
    assert schedules.nightly_schedule.cron_schedule == "30 2 * * *"
    assert schedules.nightly_schedule.execution_timezone == "Europe/London"
    assert schedules.nightly_schedule.job_name == "nightly"
    monkeypatch.setenv("CSCW_NIGHTLY_CRON", "15 1 * * *")
    try:
        assert importlib.reload(schedules).nightly_schedule.cron_schedule == "15 1 * * *"
    finally:
        monkeypatch.delenv("CSCW_NIGHTLY_CRON")
        importlib.reload(schedules)


def _ledger_loads(settings, loads: dict[str, timedelta]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    with connect_duckdb(settings.build_warehouse) as con:
        con.execute(LEDGER_DDL)
        for source, age in loads.items():
            con.execute(
                "insert into raw._ledger values (?, date '2024-04-01', 'x.csv', 'h', 'f', 1, 'loaded', ?, null)",
                [source, now - age],
            )
        # A refusal is not a load: it must not make a stale source look fresh.
        con.execute(
            "insert into raw._ledger values ('placements', date '2024-04-02', 'x.csv', 'h', 'g', null, "
            "'refused', ?, 'blocking problems')",
            [now],
        )


@pytest.mark.parametrize(
    ("source", "passed"),
    [
        ("case", True),  # loaded two hours ago, expected daily
        ("placements", False),  # last loaded three days ago; the refusal since does not count
        ("camhs", False),  # never loaded
        ("reference", True),  # population loaded 200 days ago, expected yearly
        ("cin_census", True),  # never loaded, but an alternative layout a council need not send
    ],
)
def test_freshness_check_warns_when_a_source_is_overdue(cscw_home, source, passed):
    _ledger_loads(
        cscw_home, {"case": timedelta(hours=2), "placements": timedelta(days=3), "reference": timedelta(days=200)}
    )
    check = build_freshness_check(source)
    [key] = check.check_keys
    assert key.name == f"{source}_freshness" and key.asset_key.path[1].startswith(f"{source}__")
    result = check(warehouse=WarehouseResource(home=str(cscw_home.home)))
    assert result.passed is passed
    assert result.severity == dg.AssetCheckSeverity.WARN


def test_ui_binds_to_this_machine_unless_told_otherwise(monkeypatch, cscw_home):
    commands = []
    monkeypatch.setattr(
        "orchestration.cli.operate.subprocess.call", lambda command, **kwargs: commands.append(command) or 0
    )
    assert cscw(["ui"]) == 0
    assert cscw(["ui", "--host", "0.0.0.0", "--port", "3333"]) == 0

    def option(command, flag):
        return command[command.index(flag) + 1]

    assert [(option(c, "-h"), option(c, "-p")) for c in commands] == [("127.0.0.1", "3000"), ("0.0.0.0", "3333")]


def test_ui_group_anchor_hears_sigterm_even_when_started_with_it_ignored():
    """A library that ignores SIGTERM for a moment must not leave an anchor deaf to it: the stop would wait on it."""
    import signal
    from pathlib import Path

    from orchestration.cli.operate import _group_alive, _process_group

    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        with _process_group() as group:
            ignored = int(
                next(
                    line
                    for line in Path(f"/proc/{group}/status").read_text().splitlines()
                    if line.startswith("SigIgn:")
                ).split()[1],
                16,
            )
            assert not ignored & (1 << (signal.SIGTERM - 1)), "the anchor ignores SIGTERM"
        assert not _group_alive(group)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
