"""A return's validation report reused when nothing it depends on has changed.

Most nights leave the latest complete year's return as it was (the year is over; only late corrections
change it), and each DfE validator costs seconds to minutes, so a report is kept beside the files with the
fingerprint of everything it came from: the files sent, the words that steer the rules (year, council),
the validator's pinned packages and the project's scripts that drive it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

from warehouse.settings import REPO_ROOT


def validator_files(script: Path) -> tuple[Path, ...]:
    """The validator script, the modules beside it that it imports, and the shared stdlib helpers."""
    return (*sorted(script.parent.glob("validator*.py")), script.parent.parent / "validator_common.py")


def input_fingerprint(words: Iterable[str], pins: str, code: Iterable[Path], inputs: Iterable[tuple[str, Path]]) -> str:
    """`pins`: the pyproject.toml key under [tool.cscw] listing the validator venv's requirements."""
    digest = hashlib.sha256("\0".join(words).encode())
    requirements = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["cscw"][pins]
    digest.update("\0".join(requirements).encode())
    for path in code:
        digest.update(path.read_bytes())
    for name, path in inputs:
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def validated(report_path: Path, fingerprint: str, run: Callable[[], None]) -> dict:
    """The report at `report_path` if it was made from `fingerprint`'s inputs; else `run()` writes it anew."""
    if report_path.exists():
        try:
            earlier = json.loads(report_path.read_text(encoding="utf-8"))
        except ValueError:  # a report cut short (a killed night) is simply made again
            earlier = {}
        if earlier.get("input_fingerprint") == fingerprint:
            return earlier
    report_path.unlink(missing_ok=True)
    run()
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["input_fingerprint"] = fingerprint
    report_path.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return report
