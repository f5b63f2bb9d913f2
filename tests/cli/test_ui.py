"""`cscw ui` with a bare PATH: the code location loads, the UI skips its community dialog, and stopping it
stops every process it started."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from warehouse.settings import REPO_ROOT

CSCW = Path(sys.executable).parent / "cscw"
LOCATIONS = """{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message } } } } } shouldShowNux }"""
LOAD_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def _loaded(port: int, ui: subprocess.Popen) -> dict:
    deadline = time.monotonic() + LOAD_SECONDS
    while time.monotonic() < deadline:
        assert ui.poll() is None, "cscw ui stopped before the code location loaded"
        try:
            data = _graphql(port, LOCATIONS)
            entries = data["workspaceOrError"]["locationEntries"]
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                return data
        except OSError:
            pass  # not listening yet
        time.sleep(1)
    pytest.fail(f"the code location did not load in {LOAD_SECONDS}s")


def _groups_of_children(pid: int) -> set[int]:
    groups = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # ppid, pgrp follow the state
            groups.add(int(fields[2]))
    return groups


def _members(group: int) -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                found.append((stat.parent / "cmdline").read_text().replace("\0", " "))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process groups from /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_ui_loads_with_a_bare_path_and_stops_its_whole_group(tmp_path, stop_signal):
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CSCW_HOME": str(tmp_path / "cscw")}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", str(REPO_ROOT))
    ui = subprocess.Popen(
        [str(CSCW), "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    groups: set[int] = set()
    try:
        data = _loaded(port, ui)
        [entry] = data["workspaceOrError"]["locationEntries"]
        assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation", entry
        assert data["shouldShowNux"] is False
        groups = _groups_of_children(ui.pid) - {ui.pid}
        assert len(groups) == 1, "dagster dev runs in a process group of its own"
        ui.send_signal(stop_signal)
        ui.wait(timeout=60)
        [group] = groups
        assert _members(group) == []
    finally:
        # Whatever a failed test leaves running (the UI, its webserver and code server) would take CPU from the
        # rest of the suite: kill both groups, the UI's and dagster dev's.
        if ui.poll() is None:
            groups |= _groups_of_children(ui.pid)
        for group in {ui.pid, *groups}:
            if _members(group):
                with contextlib.suppress(ProcessLookupError):  # its last member ended since
                    os.killpg(group, signal.SIGKILL)
        ui.wait(timeout=60)
