"""Build a session's shared files once per test run, even when pytest-xdist runs the session in several workers.

Each xdist worker is its own pytest session, so a session fixture runs once per worker. The pytest-xdist docs'
pattern ("Making session-scoped fixtures execute only once"): the first worker to need the files builds them
in the run's common temporary folder under a file lock, and the others wait on the lock, then use what it
built. What is built here is shared by every worker: read it, or copy it to write.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> object:
    """`build(folder)` on an empty `folder` once per test run; what it returns (JSON) for every worker."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    # Under xdist each worker's base temp is <run>/popen-gwN: the run's folder is common to the workers.
    root = tmp_path_factory.getbasetemp().parent / "built_once"
    root.mkdir(exist_ok=True)
    folder, result = root / name, root / f"{name}.json"
    with FileLock(root / f"{name}.lock"):
        if not result.exists():
            # A worker that failed half way leaves a part-built folder: the next one starts again.
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            result.write_text(json.dumps(build(folder)))
        return json.loads(result.read_text())
