import shutil
from pathlib import Path

import pytest

from tests.support.once import built_once
from warehouse.settings import Settings, environment, get_settings

TESTS = Path(__file__).parent
FIXTURE_LANDING = TESTS / "fixtures" / "landing"
FIXTURE_DATE = "2024-03-31"
# The default synthetic set, pinned so tests do not drift with the calendar.
SYNTHETIC_END_DATE = "2026-11-22"
SYNTHETIC_LA = "E10000003"
WAREHOUSE = "warehouse.duckdb"
# The session's first night (two_nightlies_together), for the e2e tests and any other that builds on a night.
pytest_plugins = ["tests.support.first_night"]


# The slow modules (pyproject.toml's pytest section), heaviest first: with `--no-loadscope-reorder` the workers
# take the groups in collection order, so these start at once on both workers instead of one of them last.
HEAVIEST_FIRST = (
    "tests/e2e/test_kills.py",
    "tests/postgres/test_equivalence.py",  # the PostgreSQL group: test_annex_a_postgres.py comes with it
    "tests/ingest/test_ssda903_round_trip.py",
    "tests/dbt/test_cin_census_synthetic.py",
    "tests/annex_a/test_annex_a_postgres.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadgroup` (scripts/test.sh): a module's tests go to one worker, so its module fixtures
    build once; every test on PostgreSQL goes to one worker, so one server and one pair of builds serve them.
    The heaviest modules go first (a stable sort: the rest keep their order)."""
    rank = {path: i for i, path in enumerate(HEAVIEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
    if not getattr(config.option, "loadgroup", False):  # set on each xdist worker
        return
    on_postgres = {item.module.__name__ for item in items if "postgres_server" in item.fixturenames}
    for item in items:
        group = "postgres" if item.module.__name__ in on_postgres else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


def export_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Make `home` the CSCW_HOME of this process and the dbt subprocesses it starts, for the monkeypatch's life."""
    monkeypatch.setenv("CSCW_HOME", str(home))
    for name in ("CSCW_WAREHOUSE", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    settings.ensure_dirs()
    for name, value in environment(settings).items():
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture
def cscw_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh CSCW_HOME exported for this process and the dbt subprocesses it starts."""
    return export_home(tmp_path / "cscw", monkeypatch)


@pytest.fixture
def fixture_landing(cscw_home: Settings) -> Settings:
    """CSCW_HOME whose landing folder holds the tiny hand-made extracts of tests/fixtures."""
    shutil.copytree(FIXTURE_LANDING, cscw_home.landing, dirs_exist_ok=True)
    return cscw_home


@pytest.fixture(scope="session")
def reference_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with the ONS postcode directory already loaded; copy it, do not write to it."""
    from tests.support.warehouse import make_reference_warehouse

    return Path(built_once(tmp_path_factory, "reference", lambda work: str(make_reference_warehouse(work / WAREHOUSE))))


@pytest.fixture(scope="session")
def postgres_server() -> dict[str, str]:
    """A PostgreSQL cluster on 127.0.0.1 for the session (installed and started by scripts/postgres.sh):
    its CSCW_PG_* settings for the loader role, plus CSCW_PG_ANALYST_USER / _PASSWORD."""
    from tests.support.postgres import running_server

    with running_server() as settings:
        yield settings


@pytest.fixture
def postgres_database(postgres_server, monkeypatch, request):
    """An empty database of its own on the session's server, with CSCW_TARGET=postgres exported."""
    from tests.support.postgres import fresh_database

    with fresh_database(postgres_server, f"test_{request.node.name[:40].lower()}") as settings:
        for name, value in {"CSCW_TARGET": "postgres", **settings}.items():
            monkeypatch.setenv(name, value)
        yield settings


@pytest.fixture(scope="session")
def synthetic_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default synthetic extracts (one night) as landing folders; copy them to change them."""
    from datetime import date

    from synthetic import generate

    def build(work: Path) -> str:
        end = date.fromisoformat(SYNTHETIC_END_DATE)
        generate(work / "landing", end_date=end, nights=1, la_ons=SYNTHETIC_LA, la_dfe="873")
        return str(work / "landing")

    return Path(built_once(tmp_path_factory, "synthetic_landing", build))


@pytest.fixture(scope="session")
def synthetic_warehouse(
    reference_warehouse: Path, synthetic_landing: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The default synthetic history (one night) loaded through the night's gate (Great Expectations suites and
    all) and built through every model; copy it to write."""
    from expectations.run import gate
    from tests.support.warehouse import dbt_build, load_landing

    def build(work: Path) -> str:
        shutil.copy(reference_warehouse, work / WAREHOUSE)
        load_landing(work / WAREHOUSE, synthetic_landing, gate=gate)
        dbt_build(work / WAREHOUSE, "fqn:*", work)
        return str(work / WAREHOUSE)

    return Path(built_once(tmp_path_factory, "synthetic", build))
