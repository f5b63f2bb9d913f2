"""The CIN census reader: safe parsing, both sex codings, every row placed by file and line, and the stitching
rules of several census files, each on a hand-made case (ingest/census_stitch.py)."""

import csv
from datetime import date

import pandas as pd
import pytest

from ingest.census_stitch import RULES
from ingest.readers import ContractError
from ingest.snapshot import read_snapshot
from tests.conftest import FIXTURE_LANDING, TESTS

GOOD = (FIXTURE_LANDING / "cin_census" / "2024-03-31" / "cin_census_2024.xml").read_text()
SEED = TESTS.parent / "dbt_project" / "seeds" / "reference" / "cin_census_stitch_rule.csv"
README = TESTS.parent / "README.md"


def census(year: int, run: str, children: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>
<ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails><Source><DateTime>{run}</DateTime></Source></Header>
<Children>{children}</Children></Message>
"""


def child(child_id: str, sex: str, *episodes: str, tag: str = "GenderCurrent") -> str:
    return (
        f"<Child>\n<ChildIdentifiers><LAchildID>{child_id}</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate>"
        f"<{tag}>{sex}</{tag}></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        f"</ChildCharacteristics>\n{''.join(episodes)}</Child>\n"
    )


def episode(referral: str, closure: str = "", *assessments: tuple[str, str]) -> str:
    closed = f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>" if closure else ""
    assessed = "".join(
        f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
        + (f"<AssessmentAuthorisationDate>{done}</AssessmentAuthorisationDate>" if done else "")
        + "</Assessments>"
        for start, done in assessments
    )
    return f"<CINdetails>\n<CINreferralDate>{referral}</CINreferralDate>{closed}\n{assessed}</CINdetails>\n"


def read(tmp_path, files: dict[str, str], day: str = "2025-06-30"):
    folder = tmp_path / "cin_census" / day
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return read_snapshot("cin_census", date.fromisoformat(day), folder)


def rows(snapshot, entity: str, *columns: str) -> list[tuple]:
    frame = snapshot.reads[entity].frame
    return sorted(tuple(None if pd.isna(v) else v for v in r) for r in frame[list(columns)].values.tolist())


def test_each_row_says_its_file_and_line(tmp_path):
    snapshot = read(tmp_path, {"a.xml": GOOD}, "2024-03-31")
    lines = GOOD.split("\n")
    for entity, tag in (("children", "<Child>"), ("referrals", "<CINdetails>"), ("section_47", "<Section47>")):
        expected = [("a.xml", str(n)) for n, line in enumerate(lines, start=1) if line.strip() == tag]
        assert set(rows(snapshot, entity, "source_file", "source_line")) == set(expected), entity


def test_gender_current_and_sex_are_both_read_and_booleans_become_y_n(tmp_path):
    snapshot = read(
        tmp_path,
        {
            "old.xml": census(2024, "2024-04-01T00:00:00", child("A", "2", episode("2024-01-01"))),
            "new.xml": census(2025, "2025-04-01T00:00:00", child("B", "F", episode("2024-06-01"), tag="Sex")),
        },
    )
    assert rows(snapshot, "children", "child_id", "sex") == [("A", "2"), ("B", "F")]
    s47 = read(tmp_path / "x", {"a.xml": GOOD}, "2024-03-31")
    assert rows(s47, "section_47", "child_id", "icpc_not_required") == [("C0000001", "N"), ("C0000003", "Y")]


def test_the_latest_census_wins_item_by_item_and_older_items_are_kept(tmp_path):
    # 2023/24: A's episode of 2023-05-01 open, its first assessment authorised 2023-05-20 and a second one started
    # 2024-03-01 and open; an older episode of 2022, closed in 2022/23, with no assessment.
    # 2024/25: the episode closed 2024-07-01, only the second assessment (the first ended before the year), now
    # authorised 2024-04-10; the 2022 episode is not sent.
    old = census(
        2024,
        "2024-04-02T00:00:00",
        child(
            "A",
            "1",
            episode("2022-06-01", "2022-09-01"),
            episode("2023-05-01", "", ("2023-05-02", "2023-05-20"), ("2024-03-01", "")),
        ),
    )
    new = census(
        2025, "2025-04-02T00:00:00", child("A", "1", episode("2023-05-01", "2024-07-01", ("2024-03-01", "2024-04-10")))
    )
    snapshot = read(tmp_path, {"z_old.xml": old, "a_new.xml": new})  # names sort against the years: order is by date
    assert rows(snapshot, "referrals", "referral_date", "closure_date", "census_year") == [
        ("2022-06-01", "2022-09-01", "2024"),
        ("2023-05-01", "2024-07-01", "2025"),
    ]
    # The first assessment only 2023/24 sent stays; the second is the 2024/25 copy, not added beside the old one.
    assert rows(snapshot, "assessments", "assessment_start_date", "assessment_authorised_date", "census_year") == [
        ("2023-05-02", "2023-05-20", "2024"),
        ("2024-03-01", "2024-04-10", "2025"),
    ]
    log = rows(snapshot, "stitch_log", "item", "item_key", "census_year", "rule", "detail")
    assert log == [
        ("child", "A", "2025", "repeated_unchanged", "in 2 files (2024, 2025); a_new.xml kept"),
        ("episode", "A|2022-06-01", "2024", "as_returned", None),
        (
            "episode",
            "A|2023-05-01",
            "2025",
            "latest_census_wins",
            "in 2 files (2024, 2025); a_new.xml kept; differed: assessments, referrals",
        ),
    ]


def test_monthly_runs_of_one_year_are_ordered_by_their_run_time(tmp_path):
    march = census(2025, "2025-03-01T00:00:00", child("A", "1", episode("2024-06-01")))
    april = census(2025, "2025-04-01T00:00:00", child("A", "2", episode("2024-06-01")))
    snapshot = read(tmp_path, {"b_march.xml": march, "a_april.xml": april})
    assert rows(snapshot, "children", "sex", "source_file") == [("2", "a_april.xml")]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("not xml at all", "unreadable"),
        ("<Return><Header/></Return>", "not_census"),
        ("<Message><Children/></Message>", "not_census"),
    ],
)
def test_a_file_that_is_no_census_refuses_the_snapshot(tmp_path, text, rule):
    with pytest.raises(ContractError) as error:
        read(tmp_path, {"census.xml": text})
    assert (error.value.problem.rule, error.value.problem.file) == (rule, "census.xml")


def test_entities_are_never_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    doctype = f'<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>'
    text = GOOD.replace("<Message>", f"{doctype}\n<Message>", 1).replace(">C0000001<", ">&x;<", 1)
    snapshot = read(tmp_path, {"a.xml": text}, "2024-03-31")
    assert "SECRET" not in str(snapshot.reads["children"].frame.values.tolist())


def test_the_rules_table_in_the_readme_and_the_seed_are_the_code_s():
    with open(SEED, newline="") as f:
        assert {r["code"]: r["description"] for r in csv.DictReader(f)} == RULES
    text = README.read_text()
    for code, description in RULES.items():
        assert f"| `{code}` | {description} |" in text
