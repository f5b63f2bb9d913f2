"""cscw.toml: found in CSCW_HOME then the repository, overridden by the environment, the council checked."""

from pathlib import Path

import pytest

import warehouse.settings as settings_module
from warehouse.settings import CONFIG_KEYS, ConfigError, get_settings, lock_timeout, nightly_cron


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty CSCW_HOME, no overriding variables, and a repository root with no cscw.toml of its own."""
    for variable in CONFIG_KEYS.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CSCW_HOME", str(tmp_path / "home"))
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.setattr(settings_module, "REPO_ROOT", repo)
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def write(folder: Path, text: str) -> None:
    (folder / "cscw.toml").write_text(text, encoding="utf-8")


def test_no_file_gives_the_defaults(home: Path) -> None:
    settings = get_settings()
    assert (settings.la_ons, settings.la_dfe, settings.la_name) == ("E10000003", "873", "Cambridgeshire")
    assert settings.landing == home.resolve() / "landing"
    assert nightly_cron() == "30 2 * * *"


def test_the_file_in_home_is_read(home: Path) -> None:
    write(
        home,
        '[council]\nons_code = "E06000001"\ndfe_code = "805"\n[paths]\nlanding = "/srv/drop"\n'
        '[duckdb]\nmemory_limit = "1GB"\n[schedule]\nnightly_cron = "0 1 * * *"\nlock_timeout_seconds = 60\n',
    )
    settings = get_settings()
    assert (settings.la_ons, settings.la_dfe, settings.la_name) == ("E06000001", "805", "Hartlepool")
    assert settings.landing == Path("/srv/drop")
    assert settings.duckdb_memory_limit == "1GB"
    assert settings_module.environment(settings)["CSCW_DUCKDB_MEMORY_LIMIT"] == "1GB"
    assert nightly_cron() == "0 1 * * *"
    assert lock_timeout() == 60.0


def test_the_repository_file_is_read_when_home_has_none(home: Path) -> None:
    write(settings_module.REPO_ROOT, '[council]\nons_code = "E06000001"\ndfe_code = "805"\n')
    assert get_settings().la_name == "Hartlepool"
    write(home, '[council]\nons_code = "E10000003"\ndfe_code = "873"\n')
    assert get_settings().la_name == "Cambridgeshire"


def test_the_environment_overrides_the_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(home, '[council]\nons_code = "E10000003"\ndfe_code = "873"\n[schedule]\nnightly_cron = "0 1 * * *"\n')
    monkeypatch.setenv("CSCW_LA_ONS", "E06000001")
    monkeypatch.setenv("CSCW_LA_DFE", "805")
    monkeypatch.setenv("CSCW_NIGHTLY_CRON", "15 3 * * *")
    monkeypatch.setenv("CSCW_LANDING", "drop")
    settings = get_settings()
    assert (settings.la_ons, settings.la_dfe, settings.la_name) == ("E06000001", "805", "Hartlepool")
    assert settings.landing == home.resolve() / "drop"
    assert nightly_cron() == "15 3 * * *"


def test_a_name_not_that_of_the_code_is_refused_naming_both(home: Path) -> None:
    write(home, '[council]\nons_code = "E06000001"\ndfe_code = "805"\nname = "Cambridgeshire"\n')
    with pytest.raises(ConfigError) as refused:
        get_settings()
    assert "E06000001" in str(refused.value) and "Hartlepool" in str(refused.value)
    assert "Cambridgeshire" in str(refused.value)


def test_a_code_changed_without_its_pair_is_refused_naming_both(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSCW_LA_ONS", "E06000001")
    with pytest.raises(ConfigError, match=r"ons_code='E06000001', dfe_code=None"):
        get_settings()


def test_an_unknown_code_is_refused_unless_named(home: Path) -> None:
    write(home, '[council]\nons_code = "E10009999"\ndfe_code = "999"\n')
    with pytest.raises(ConfigError, match=r"E10009999.*999"):
        get_settings()
    write(home, '[council]\nons_code = "E06000063"\ndfe_code = "942"\nname = "Cumberland"\n')
    assert get_settings().la_name == "Cumberland"


def test_the_name_is_matched_without_case_or_spacing(home: Path) -> None:
    write(home, '[council]\nons_code = "E10000003"\ndfe_code = "873"\nname = "cambridgeshire "\n')
    assert get_settings().la_name == "Cambridgeshire"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[council]\nons_cod = "E10000003"\n', r"unknown entry \[council\] ons_cod"),
        ("[council\n", "not valid TOML"),
        ('[council]\nons_code = "E10000003"\ndfe_code = "87"\n', "three-digit"),
    ],
)
def test_a_bad_file_is_refused_saying_why(home: Path, text: str, message: str) -> None:
    write(home, text)
    with pytest.raises(ConfigError, match=message):
        get_settings()


def test_the_example_file_is_valid_and_gives_the_defaults(home: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "cscw.toml.example"
    write(home, example.read_text(encoding="utf-8"))
    settings = get_settings()
    assert (settings.la_ons, settings.la_dfe, settings.la_name) == ("E10000003", "873", "Cambridgeshire")
    assert lock_timeout() == 4 * 3600.0
