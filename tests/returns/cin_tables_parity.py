"""Run under .venv-validator-cin: for each XML file given, the eleven tables built by validator_tables.py
equal the package's own ``process_data(convert_data(root))`` (columns, order, dtypes, index, values).

    python cin_tables_parity.py a.xml b.xml ...

Prints one JSON line per file, {"file", "rows": {table: n}} or {"file", "unreadable": [ours, theirs]} when
both ways refuse the file; exits 1 at the first difference, with pandas' message.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET

import pandas as pd
from cin_validator import cin_validator as cv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "outputs", "returns", "cin"))
from validator_tables import NAMES, build_tables  # noqa: E402


def _both(root: ET.Element):
    try:
        theirs = cv.process_data(cv.convert_data(root))
    except Exception as exc:  # the package cannot read it: ours must refuse it too
        theirs = exc
    try:
        ours = build_tables(root)
    except Exception as exc:
        ours = exc
    return ours, theirs


def check(path: str) -> dict:
    ours, theirs = _both(ET.parse(path).getroot())
    if isinstance(theirs, Exception) or isinstance(ours, Exception):
        if not (isinstance(theirs, Exception) and isinstance(ours, Exception)):
            raise AssertionError(f"{path}: one way reads the file, the other raised {ours!r} / {theirs!r}")
        return {"file": path, "unreadable": [repr(ours), repr(theirs)]}
    assert list(ours) == list(theirs) == list(NAMES), (list(ours), list(theirs))
    for name in NAMES:
        try:
            pd.testing.assert_frame_equal(ours[name], theirs[name], check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{path}: table {name}: {exc}") from None
    return {"file": path, "rows": {name: len(theirs[name]) for name in NAMES}}


def main(paths: list[str]) -> int:
    for path in paths:
        try:
            print(json.dumps(check(path)), flush=True)
        except AssertionError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
