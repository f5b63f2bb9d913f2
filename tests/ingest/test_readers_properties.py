"""Whatever a file holds, the readers and the gate answer with a refusal (ContractError) or row-level problems,
never another exception: random header names (quotes, SQL keywords, unicode, duplicates) and random bytes."""

import shutil
import string
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expectations.run import gate
from ingest.load import load_source
from ingest.readers import ContractError
from ingest.snapshot import read_snapshot
from tests.conftest import FIXTURE_DATE, FIXTURE_LANDING
from warehouse.connection import connect_duckdb

GOOD = FIXTURE_LANDING / "camhs" / FIXTURE_DATE
HOSTILE = [
    'Worker "lead"',
    "select",
    "drop table x;--",
    "Naïve café",
    "",
    " ",
    "extract_date",
    "_row_number",
    "extra_1",
    "PATHWAY",
    "référence",
    "a,b",
    "名前",
    "\\",
    "'",
    '"',
    "--",
    "/*",
]
header_names = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(string.printable + "éü名", max_size=12)), min_size=1, max_size=4
)
PROFILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _land(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "landing" / "camhs" / "2024-04-01"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(GOOD, folder)
    (folder / name).write_bytes(content)
    return folder


def _gate_answers(folder: Path) -> None:
    try:
        snapshot = read_snapshot("camhs", date(2024, 4, 1), folder)
    except ContractError:
        return  # a refusal with its rule: the loader quarantines the snapshot
    gate(snapshot)


@PROFILE
@given(extra=header_names)
def test_any_extra_header_names_load_as_data_never_as_sql(tmp_path, extra):
    lines = (GOOD / "trajectory.csv").read_text().splitlines()
    header = lines[0] + "".join("," + '"' + name.replace('"', '""') + '"' for name in extra)
    body = [line + "," * len(extra) for line in lines[1:]]
    folder = _land(tmp_path, "trajectory.csv", ("\n".join([header, *body]) + "\n").encode())
    _gate_answers(folder)
    database = tmp_path / "w.duckdb"
    database.unlink(missing_ok=True)  # a fresh warehouse for each example
    with connect_duckdb(database) as con:
        outcome = load_source(con, folder.parent.parent, "camhs", gate=gate, raise_on_refusal=False)
        assert outcome.loaded or outcome.refused


@PROFILE
@given(noise=st.binary(min_size=1, max_size=64), at=st.integers(min_value=0, max_value=400))
def test_random_bytes_anywhere_are_a_refusal_or_row_faults(tmp_path, noise, at):
    good = (GOOD / "referrals.csv").read_bytes()
    at = min(at, len(good))
    folder = _land(tmp_path, "referrals.csv", good[:at] + noise + good[at:])
    _gate_answers(folder)
