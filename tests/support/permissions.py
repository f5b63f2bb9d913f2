"""Assert that what a run wrote under CSCW_HOME is owner-only (warehouse/permissions.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def loose_modes(*roots: Path) -> list[str]:
    """Every folder or file under `roots` that group or others may use, with its mode."""
    loose = []
    for root in roots:
        paths = [root, *root.rglob("*")] if root.is_dir() else [root]
        for path in paths:
            mode = stat.S_IMODE(os.lstat(path).st_mode)
            if mode & 0o077:
                loose.append(f"{path} {mode:o}")
    return loose
