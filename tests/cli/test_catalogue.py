"""`cscw tables` and `cscw docs` through the real CLI, on the built synthetic warehouse."""

import json
import shutil

import pytest

from orchestration.cli import main as cscw
from orchestration.cli.catalogue import generate_docs
from tests.conftest import export_home


@pytest.fixture(scope="module")
def published(synthetic_warehouse, tmp_path_factory):
    """A CSCW_HOME whose published warehouse is the synthetic one, exported for the module's tests."""
    with pytest.MonkeyPatch.context() as env:
        settings = export_home(tmp_path_factory.mktemp("catalogue") / "cscw", env)
        shutil.copy(synthetic_warehouse, settings.warehouse)
        yield settings


def test_tables_lists_the_marts_with_their_descriptions(published, capsys):
    assert cscw(["tables"]) == 0
    out = capsys.readouterr().out
    assert "lac.lac_placements" in out and "Placements as DOMAIN.md 4.3 counts them." in out
    assert "reference.measure_dictionary" in out and "returns.ssda903_return_header" in out
    assert "staging." not in out and "raw." not in out


def test_tables_all_adds_the_working_layers(published, capsys):
    assert cscw(["tables", "--all"]) == 0
    out = capsys.readouterr().out
    assert "staging." in out and "intermediate." in out and "lac.lac_placements" in out


@pytest.mark.parametrize("command", [["tables"], ["docs"]])
def test_before_any_night_says_to_run_nightly(command, cscw_home, capsys):
    assert cscw(command) == 1
    out = capsys.readouterr().out
    assert "run `cscw nightly` first" in out and "Traceback" not in out


def test_docs_generate_writes_a_catalogue_with_the_comments(published):
    code, env = generate_docs(published)
    assert code == 0
    catalog = json.loads((published.home / "docs" / "target" / "catalog.json").read_text(encoding="utf-8"))
    placements = catalog["nodes"]["model.cscw.lac_placements"]
    assert placements["metadata"]["comment"] == "Placements as DOMAIN.md 4.3 counts them."
    assert all(column["comment"] for column in placements["columns"].values())
