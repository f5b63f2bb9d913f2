"""The tree stays readable: no module over 400 lines and no function over 80, outside the listed exceptions.

Run `.venv/bin/python scripts/check_layout.py` to list every offender with its size; tests/test_layout.py
fails on any.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Each exception says why it is one.
EXCEPTIONS: dict[str, str] = {}


def python_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / line for line in listed.stdout.splitlines() if (REPO / line).exists()]


def sizes() -> dict[str, tuple[int, int]]:
    """(lines, limit) for every module ("path") and function ("path::name") in the tree."""
    measured = {}
    for path in python_files():
        name = str(path.relative_to(REPO))
        text = path.read_text()
        measured[name] = (len(text.splitlines()), MAX_MODULE_LINES)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                measured[f"{name}::{node.name}"] = (node.end_lineno - node.lineno + 1, MAX_FUNCTION_LINES)
    return measured


def oversized() -> list[str]:
    return [
        f"{where}: {lines} lines"
        for where, (lines, limit) in sizes().items()
        if lines > limit and where not in EXCEPTIONS
    ]


if __name__ == "__main__":
    print("\n".join(oversized()) or "nothing oversized")
