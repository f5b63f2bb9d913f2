"""The gate's classification is stated once (ingest/rules.py), shown as it is in the README, and each rule is
exercised by the bad-extract corpus."""

import csv

from ingest.rules import RULES, kind_of, markdown_table
from tests.conftest import TESTS
from warehouse.settings import REPO_ROOT


def test_the_readme_shows_the_classification_as_the_code_has_it():
    assert markdown_table() in (REPO_ROOT / "README.md").read_text()


def test_every_rule_has_a_case_in_the_bad_extract_corpus():
    corpus = {row["rule"] for row in csv.DictReader(open(TESTS / "fixtures" / "bad" / "faults.csv", newline=""))}
    assert set(RULES) <= corpus


def test_a_code_in_a_key_column_is_a_row_fault_and_an_allowed_empty_file_a_flag():
    assert kind_of("code_list") == "flag" and kind_of("code_list", key=True) == "row"
    assert kind_of("header_only") == "structural" and kind_of("header_only", allowed_empty=True) == "flag"
    assert kind_of("date_format", key=True) == "row"
