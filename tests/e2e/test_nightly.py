"""One real in-process Dagster run of the nightly job into a temporary DuckDB file, with no network."""

import os
import re

import dagster as dg
import pytest

from ingest.load import connect
from orchestration.cli import main as cscw
from tests.conftest import TESTS
from tests.support import sitecustomize


@pytest.fixture
def no_network(tmp_path, monkeypatch):
    """Refuse and record any network connection, in this process and in every Python subprocess (dbt)."""
    log = tmp_path / "sockets.log"
    monkeypatch.setenv("CSCW_SOCKET_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS / "support"),
                                                                    os.environ.get("PYTHONPATH")])))
    monkeypatch.setattr(sitecustomize, "_LOG", str(log))
    import socket

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    monkeypatch.setattr(socket, "getaddrinfo", socket.getaddrinfo)
    sitecustomize.install()
    return log


@pytest.mark.e2e
def test_nightly_run_builds_raw_and_staging_offline(fixture_landing, no_network, capsys):
    from orchestration.definitions import defs

    with dg.DagsterInstance.ephemeral() as instance:
        result = defs().resolve_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert not no_network.exists(), no_network.read_text()

    with connect(fixture_landing.warehouse, read_only=True) as con:
        counts = dict(con.execute(
            "select schema_name || '.' || table_name, estimated_size from duckdb_tables()").fetchall())
        episodes = con.execute(
            "select child_id, episode_start_date::varchar, reason_episode_ceased_group, placement_type_description "
            "from staging.stg_placements__episodes order by 1, 2").fetchall()
    assert sum(k.startswith("raw.") for k in counts) == 17  # 16 landing files + the load log
    assert sum(k.startswith("staging.") for k in counts) == 16
    assert episodes[0][:3] == ("C0000001", "2022-11-01", "not_a_leaver")
    assert episodes[0][3].startswith("Foster placement")
    assert [e[0] for e in episodes] == ["C0000001", "C0000001", "C0000003"]

    # The analyst's way in: read-only query from the CLI.
    capsys.readouterr()
    assert cscw(["query", "select count(*) as n from staging.stg_case__children"]) == 0
    assert re.search(r"│\s*3\s*│", capsys.readouterr().out)
