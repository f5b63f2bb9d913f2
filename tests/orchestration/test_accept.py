"""`cscw accept`: the only way a snapshot held back as suspect gets in, recorded in the ledger."""

import shutil
from datetime import date

from expectations.run import gate
from ingest.load import load_source
from orchestration.cli import main as cscw
from tests.conftest import FIXTURE_LANDING, TESTS
from warehouse.connection import connect
from warehouse.serving import working_copy

HALVED = TESTS / "fixtures" / "bad" / "placements_looked_after_drop" / "placements"


def _night(settings):
    with connect(working_copy(settings)) as con:
        return load_source(
            con, settings.landing, "placements", gate=gate, quarantine_root=settings.quarantine, raise_on_refusal=False
        )


def test_a_halved_extract_is_held_every_night_until_accepted(cscw_home, capsys):
    shutil.copytree(FIXTURE_LANDING / "placements", cscw_home.landing / "placements")
    shutil.copytree(HALVED, cscw_home.landing / "placements", dirs_exist_ok=True)
    first = _night(cscw_home)
    assert [r.extract_date for r in first.loaded] == [date(2024, 3, 31), date(2024, 4, 1)]
    assert [(r.extract_date, r.status) for r in first.failed] == [(date(2024, 4, 2), "held")]
    assert [(r.extract_date, r.status) for r in _night(cscw_home).failed] == [(date(2024, 4, 2), "held")]

    assert cscw(["accept", "placements", "2024-04-01"]) == 1  # loaded already: nothing to accept
    assert "already loaded" in capsys.readouterr().out
    assert cscw(["accept", "placements", "2024-04-02"]) == 0
    assert "the next `cscw nightly` loads it" in capsys.readouterr().out

    after = _night(cscw_home)
    assert [r.extract_date for r in after.loaded] == [date(2024, 4, 2)] and after.failed == []
    with connect(cscw_home.build_warehouse, read_only=True) as con:
        assert con.execute(
            "select distinct status from raw._ledger where extract_date = '2024-04-02' order by 1"
        ).fetchall() == [("accepted",), ("held",), ("loaded",)]
