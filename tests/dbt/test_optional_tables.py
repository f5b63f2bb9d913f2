"""The optional SSDA903 tables through the real night (`cscw nightly`: gate, dbt build, return, publish).

An extract without them publishes, each of their tables empty and stg_placements__files_present saying they
were absent; the next night's extract, the public fake set with all twelve tables, loads every row of the
seven that the gate does not quarantine, and files_present says all twelve were there.
"""

import shutil

import pandas as pd
import pytest

from ingest.contracts import entities_for
from orchestration.cli import main as cscw
from outputs.returns.ssda903 import TABLES
from tests.conftest import TESTS, export_home
from tests.support.first_night import copy_first_night
from warehouse.connection import connect_duckdb

EXTERNAL = TESTS / "fixtures" / "external"
CORE_SET, OPTIONAL_SET = EXTERNAL / "ssda903_fake_d2i", EXTERNAL / "ssda903_fake_d2i_optional"
# The optional tables of the DfE's return (stitch_log is optional too, but only `cscw import ssda903` writes it).
OPTIONAL = [e for e in entities_for("placements") if e.optional and e.name in TABLES]
SECOND_NIGHT = "2024-04-01"  # the day after the fixtures' extract date


def published(settings, sql: str) -> list[tuple]:
    with connect_duckdb(settings.warehouse, read_only=True) as con:
        return con.execute(sql).fetchall()


def files_present(settings) -> dict[str, bool]:
    return dict(published(settings, "select entity, is_present from staging.stg_placements__files_present"))


def raw_rows(settings) -> dict[str, list[int]]:
    """The spreadsheet rows each optional raw table holds."""
    return {
        e.name: sorted(r[0] for r in published(settings, f"select _row_number from raw.{e.token}")) for e in OPTIONAL
    }


@pytest.fixture(scope="module")
def nights(two_nightlies_together, tmp_path_factory):
    """What was published after each of two nights: the fixture extracts (no optional placements table; the
    session's first night, copied), then a placements extract of the fake set's twelve tables."""
    assert 0 in two_nightlies_together.codes, "an extract without the optional tables must publish"
    home = tmp_path_factory.mktemp("optional903") / "cscw"
    with pytest.MonkeyPatch.context() as env:
        settings = copy_first_night(two_nightlies_together.settings, export_home(home, env))
        first = {"present": files_present(settings), "rows": raw_rows(settings)}
        folder = settings.landing / "placements" / SECOND_NIGHT
        folder.mkdir()
        for path in [*CORE_SET.glob("*.csv"), *OPTIONAL_SET.glob("*.csv")]:
            shutil.copy(path, folder / path.name)
        assert cscw(["nightly"]) == 0, "the fake set with every table must publish"
        quarantined = published(
            settings,
            "select lower(file_name), row_number from raw._problems where source = 'placements' "
            f"and extract_date = '{SECOND_NIGHT}' and kind = 'row'",
        )
        second = {"present": files_present(settings), "rows": raw_rows(settings), "quarantined": quarantined}
        yield first, second


def test_an_extract_without_the_optional_tables_publishes_them_empty_and_absent(nights):
    first, _ = nights
    assert first["present"] == {e.name: not e.optional for e in entities_for("placements")}
    assert first["rows"] == {e.name: [] for e in OPTIONAL}


def test_with_every_table_each_row_the_gate_does_not_quarantine_loads(nights):
    _, second = nights
    assert second["present"] == {e.name: e.name in TABLES for e in entities_for("placements")}
    files = {p.stem.lower(): p for p in OPTIONAL_SET.glob("*.csv")}
    assert set(files) == {e.name for e in OPTIONAL}
    for entity in OPTIONAL:
        path = files[entity.name]
        in_file = range(2, 2 + len(pd.read_csv(path, dtype=str, keep_default_na=False)))
        left_out = {row for name, row in second["quarantined"] if name == path.name.lower()}
        assert second["rows"][entity.name] == [row for row in in_file if row not in left_out], entity.name
        assert second["rows"][entity.name], f"{entity.name}: the fake set has rows"
