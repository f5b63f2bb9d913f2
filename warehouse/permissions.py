"""Owner-only files: children's records never sit world- or group-readable on a shared server.

Every process that writes under CSCW_HOME sets OWNER_ONLY as its umask (the `cscw` command line,
and the Dagster warehouse resource for runs the daemon or the UI start), so the DuckDB files,
dbt's output and the exports are created 0600 in 0700 folders. Files copied from elsewhere keep
their source's mode, so the copies are restricted after the fact.
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def owner_only_umask() -> int:
    """Set the process umask to owner-only and return the previous one."""
    return os.umask(OWNER_ONLY)


def restrict(path: Path) -> None:
    """chmod a folder (and everything under it) or a file to owner-only."""
    if path.is_dir():
        for root, _folders, files in os.walk(path):
            os.chmod(root, FOLDER_MODE)
            for name in files:
                os.chmod(os.path.join(root, name), FILE_MODE)
    elif path.exists():
        os.chmod(path, FILE_MODE)
