"""What the commands share: the log, failures as sentences, the writer lock, and running a Dagster job with its
output in a log file."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.settings import Settings

if TYPE_CHECKING:
    import dagster as dg

log = logging.getLogger("cscw")
# Colours and cursor moves a terminal understands and a log file should not keep.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class CommandError(Exception):
    """A mistake or a state the person at the terminal can put right: the message says what happened and
    what to do; main() prints it as one line after the command's name and exits 1."""


def require_warehouse(settings: Settings) -> None:
    """Before reading the published DuckDB file: none yet is a sentence, not DuckDB's IOException."""
    from warehouse.connection import target

    if target() == "duckdb" and not settings.warehouse.exists():
        raise CommandError(f"no warehouse yet at {settings.warehouse}: run `cscw nightly` first")


def first_line(error: BaseException) -> str:
    return next(iter(str(error).splitlines()), "")


def _sql_message(text: str) -> str:
    """A database's error as one line: its first line, plus the hints it gives (DuckDB's "Did you mean",
    PostgreSQL's HINT), without the echoed statement and caret."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    hints = [line for line in lines[1:] if line.startswith(("Did you mean", "HINT:", "Candidate"))]
    return " ".join(lines[:1] + hints) or type(text).__name__


def known_failure(error: BaseException) -> str | None:
    """The one-line message for a failure the user can act on, or None for one that is a bug."""
    from outputs.report import ReportError
    from warehouse.serving import PublishedUnreadable, WarehouseBusy

    if isinstance(error, CommandError | PublishedUnreadable | WarehouseBusy | ReportError):
        return str(error)
    # Either engine's errors are the SQL's or the database's, said by the database; a module never
    # imported cannot have raised.
    duckdb, psycopg2 = sys.modules.get("duckdb"), sys.modules.get("psycopg2")
    if duckdb is not None and isinstance(error, duckdb.Error):
        return _sql_message(str(error))
    if psycopg2 is not None and isinstance(error, psycopg2.Error):
        return _sql_message(getattr(error, "pgerror", None) or str(error))
    return None


def failed(command: str, verbose: bool, error: Exception) -> int:
    """A known failure is one line saying what to do; anything else is a bug, said in one line too, with
    its traceback behind --verbose."""
    message = known_failure(error)
    if verbose:
        log.exception("%s: %s", command, message or error)
    elif message is not None:
        log.error("%s: %s", command, message)
    else:
        log.error("%s: unexpected %s: %s", command, type(error).__name__, first_line(error))
        log.error("%s: run again with --verbose for details", command)
    return 1


def setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    root = logging.getLogger("cscw")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    if not verbose:
        logging.getLogger("dagster").setLevel(logging.WARNING)


class _PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return ANSI.sub("", super().format(record))


@contextlib.contextmanager
def console_kept(settings: Settings, command: str) -> Iterator[Path]:
    """Every line the command logs, also in CSCW_HOME/logs/cscw-<command>-<time>.log without colour codes: the
    terminal's scrollback is gone by morning and the dbt log holds dbt's own lines only."""
    log_dir = settings.home / "logs"
    log_dir.mkdir(exist_ok=True)
    path = log_dir / f"cscw-{command}-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"  # two at once: two files
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(_PlainFormatter("%(asctime)s  %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    try:
        yield path
    finally:
        log.removeHandler(handler)
        handler.close()


@contextlib.contextmanager
def writing(settings: Settings, command: str) -> Iterator[None]:
    """The writer lock for a command, logging while it waits, then the working copy proved or set aside
    and started again (warehouse/serving.py)."""
    from warehouse.serving import start_working_copy, writer_lock

    with writer_lock(settings, on_wait=lambda holder: log.info("%s: waiting for the writer lock: %s", command, holder)):
        start_working_copy(settings)
        yield


def locked(settings: Settings, command: str, run: Callable[[], int], refused: str = "REFUSED: ") -> int:
    """`run` under the writer lock; a busy warehouse is one line and exit 1.

    Taken here as well as by a job's warehouse resource (re-entrant), so a busy warehouse is a clear
    message before anything starts rather than a resource error inside the run.
    """
    from warehouse.serving import WarehouseBusy

    try:
        with writing(settings, command):
            return run()
    except WarehouseBusy as busy:
        log.error("%s: %s%s", command, refused, busy)
        return 1


def execute_job(
    settings: Settings,
    job: str,
    log_name: str,
    verbose: bool,
    run_config: dict | None = None,
    on_event: Callable[[dg.EventLogEntry], None] | None = None,
) -> tuple[dg.ExecuteInProcessResult, Path]:
    """Run a job of the code location in this process, in the instance's run history under CSCW_HOME.

    dbt's own console output (a line per model and test) goes to a log file unless verbose. `on_event` is told
    each of the run's events as it happens.
    """
    import dagster as dg

    from orchestration.definitions import defs

    log_dir = settings.home / "logs"
    log_dir.mkdir(exist_ok=True)
    dbt_log = log_dir / f"{log_name}-{datetime.now():%Y%m%d-%H%M%S}.log"
    loggers = {"console": {"config": {"log_level": "INFO" if verbose else "CRITICAL"}}}
    if not verbose:  # dbt's lines go to a file: no colour codes in it (dbt reads this in its subprocess)
        os.environ["DBT_USE_COLORS"] = "false"
    with (
        dg.DagsterInstance.get() as instance,
        open(dbt_log, "w") as log_file,
        contextlib.redirect_stdout(sys.stdout if verbose else log_file),
    ):
        result = (
            defs()
            .resolve_job_def(job)
            .execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={**(run_config or {}), "loggers": loggers},
                run_id=_listened_run(instance, on_event),
            )
        )
    return result, dbt_log


def _listened_run(instance: dg.DagsterInstance, on_event: Callable[[dg.EventLogEntry], None] | None) -> str:
    """A new run id, `on_event` listening to it: the run's id has to be known before it starts."""
    from dagster._core.utils import make_new_run_id

    run_id = make_new_run_id()
    if on_event is not None:
        instance.add_event_listener(run_id, on_event)
    return run_id


def failed_steps(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Each failed step and its innermost error's message."""
    failures = {}
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            failures[event.step_key] = error.message.strip()
    return failures


def return_states(settings: Settings) -> list[str]:
    """A line per statutory return, as the published warehouse records it (data_quality.return_status)."""
    from outputs.returns.status import describe, latest_statuses
    from warehouse.connection import connect

    with connect(settings.warehouse, read_only=True) as con:
        statuses = latest_statuses(con)
    return [describe(status) for status in statuses] or ["no statutory return exported yet"]
