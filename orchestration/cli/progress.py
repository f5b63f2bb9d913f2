"""What a person watching a job from the CLI sees while it runs: each step as it starts and ends (N of M, with the
time since the start), dbt's models and tests as they finish, and a line whenever a step has been quiet for a few
seconds, so a long step (dbt's start-up, the postcode directory, the DfE validator) is never a silent gap.

Plain log lines, terminal or not: they go to the console log file as they are and read the same in CI.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from orchestration.cli.common import log

if TYPE_CHECKING:
    from dagster import EventLogEntry

# The longest a person watching waits for a line.
QUIET_SECONDS = 5.0
DBT_STEP = "dbt_models"
# What a long step is doing, said when it starts: its own lines come late or not at all.
STEP_HINTS = {
    DBT_STEP: "dbt reads the project (about 10 s), then builds and tests every model",
    "raw_reference_packages": "the packaged ONS postcode directory and local authorities, loaded when they are new",
    "exports__ssda903_return": "the SSDA903 files, then the DfE validator checks them",
}


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def dbt_totals(manifest: Path) -> tuple[int, int]:
    """How many models (seeds and snapshots too: each is a table built) and tests a whole `dbt build` runs."""
    try:
        nodes = json.loads(manifest.read_text())["nodes"].values()
    except (OSError, ValueError, KeyError):
        return 0, 0
    kinds = [node.get("resource_type") for node in nodes]
    return sum(kind in ("model", "seed", "snapshot") for kind in kinds), kinds.count("test")


class JobProgress:
    """Told each event of a run (an instance event listener, on the run's thread); a thread of its own says what
    is still running when nothing else has been said for QUIET_SECONDS. Use it as a context manager."""

    def __init__(self, command: str, steps: int = 0, dbt: tuple[int, int] = (0, 0)) -> None:
        """`steps` may be set once the job is loaded: the watcher starts before, loading it takes seconds."""
        self.command, self.steps, self.dbt = command, steps, dbt
        self.started = self.said = time.monotonic()
        self.numbers: dict[str, int] = {}
        self.running: dict[str, float] = {}
        self.models = self.tests = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"{command}-progress", daemon=True)

    def __enter__(self) -> JobProgress:
        self._thread.start()
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def on_event(self, entry: EventLogEntry) -> None:
        try:
            self._on_event(entry)
        except Exception as error:  # noqa: BLE001 - a progress line must never stop the night
            log.debug("progress: %s", error)

    def _on_event(self, entry: EventLogEntry) -> None:
        event, step = entry.dagster_event, entry.step_key
        if event is None or step is None:
            return
        with self._lock:
            if event.is_step_start:
                self.numbers[step] = len(self.numbers) + 1
                self.running[step] = time.monotonic()
                hint = f": {STEP_HINTS[step]}" if step in STEP_HINTS else ""
                self._say(f"step {self.numbers[step]} of {self.steps}: {step} started{hint}")
            elif event.is_step_success or event.is_step_failure or event.is_step_skipped:
                self._ended(step, "ok" if event.is_step_success else "FAILED" if event.is_step_failure else "skipped")
            elif step == DBT_STEP and event.is_step_materialization:
                self.models += 1
            elif step == DBT_STEP and event.event_type_value == "ASSET_CHECK_EVALUATION":
                self.tests += 1

    def _ended(self, step: str, outcome: str) -> None:
        took = time.monotonic() - self.running.pop(step, time.monotonic())
        number = self.numbers.setdefault(step, len(self.numbers) + 1)
        if step == DBT_STEP:
            self._say(self._dbt_line())
        # "step <key> ok" as before this line had its numbers: what people (and tests) look for
        self._say(f"step {step} {outcome} ({number} of {self.steps}, took {_clock(took)})")

    def _dbt_line(self) -> str:
        models, tests = self.dbt
        return (
            f"dbt: {self.models} of {models or '?'} models, {self.tests} of {tests or '?'} tests"
            if models or self.models
            else "dbt: starting"
        )

    def _still(self) -> str:
        if not self.running:
            if self.numbers:
                return "between steps"
            return "Dagster is starting the run" if self.steps else "loading the Dagster definitions"
        step, since = next(iter(self.running.items()))
        running = _clock(time.monotonic() - since)
        if step == DBT_STEP:
            return self._dbt_line() if self.models or self.tests else f"dbt: reading the project ({running})"
        return f"step {step} still running ({running})"

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                if time.monotonic() - self.said >= QUIET_SECONDS:
                    self._say(self._still())

    def _say(self, text: str) -> None:
        self.said = time.monotonic()
        log.info("%s: %s  [%s in]", self.command, text, _clock(self.said - self.started))
