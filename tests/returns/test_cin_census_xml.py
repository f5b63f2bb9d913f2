"""The census writer: a small hand-made case is written in the DfE's layout, element by element, and the DfE's
validator finds no error in it."""

from datetime import date, datetime

import pandas as pd
import pytest
from lxml import etree

from outputs.returns.cin import VALIDATOR_PYTHON, validate
from outputs.returns.cin.census_xml import CensusTables, census_bytes, write_census

CHILDREN = [
    {
        "child_id": "A1",
        "upn": "Q935831452010",
        "date_of_birth": date(2014, 6, 1),
        "sex": "2",
        "ethnicity": "WBRI",
    },
    {
        "child_id": "B2",
        "upn_unknown": "UN1",
        "date_of_birth": "2021-02-10",
        "sex": "1",
        "ethnicity": "AIND",
    },
]
REFERRALS = [
    {
        "referral_id": "R1",
        "child_id": "A1",
        "referral_date": "2024-05-01",
        "referral_source": "2A",
        "primary_need": "N1",
        "closure_date": None,
        "closure_reason": None,
        "is_nfa": False,
    },
    {
        "referral_id": "R2",
        "child_id": "B2",
        "referral_date": "2024-04-08",
        "referral_source": "5A",
        "primary_need": "N2",
        "closure_date": "2024-12-20",
        "closure_reason": "RC7",
        "is_nfa": False,
    },
    {
        "referral_id": "R3",
        "child_id": "B2",
        "referral_date": "2025-01-15",
        "referral_source": "1A",
        "primary_need": None,
        "closure_date": "2025-01-16",
        "closure_reason": "RC8",
        "is_nfa": True,
    },
]
ASSESSMENTS = [
    {
        "referral_id": "R1",
        "assessment_start_date": "2024-05-02",
        "assessment_authorised_date": "2024-06-10",
        "factors": "3A 4A",
    },
    {
        "referral_id": "R2",
        "assessment_start_date": "2024-04-09",
        "assessment_authorised_date": "2024-05-01",
        "factors": ["1C"],
    },
]


def _case() -> CensusTables:
    """Two children in 2024/25: one on a CP plan after a Section 47 enquiry; one whose referral closed after a
    CIN plan, with a second referral that led to no further action."""
    return CensusTables(
        children=pd.DataFrame(CHILDREN),
        disabilities=pd.DataFrame([{"child_id": "A1", "disability": "NONE"}, {"child_id": "B2", "disability": "AUT"}]),
        referrals=pd.DataFrame(REFERRALS),
        assessments=pd.DataFrame(ASSESSMENTS),
        cin_plans=pd.DataFrame([{"referral_id": "R2", "plan_start_date": "2024-05-07", "plan_end_date": "2024-12-13"}]),
        section_47=pd.DataFrame(
            [
                {
                    "referral_id": "R1",
                    "s47_start_date": "2024-05-03",
                    "icpc_date": "2024-05-20",
                    "icpc_not_required": False,
                }
            ]
        ),
        cp_plans=pd.DataFrame(
            [
                {
                    "referral_id": "R1",
                    "plan_start_date": "2024-05-20",
                    "plan_end_date": None,
                    "initial_category": "NEG",
                    "latest_category": "EMO",
                    "previous_plans": 1,
                    "review_dates": ["2024-08-19", "2025-02-17"],
                },
            ]
        ),  # fmt: skip
    )


CREATED = datetime(2025, 4, 2, 9, 30)


def _children(xml: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(xml)
    return {c.findtext("ChildIdentifiers/LAchildID"): c for c in root.iterfind("Children/Child")}


def _leaves(element: etree._Element) -> list[tuple[str, str]]:
    """Every element below, in document order, as (path from `element`, text) for leaves."""
    tree = element.getroottree()
    base = tree.getpath(element)
    return [
        (tree.getpath(e).removeprefix(base).lstrip("/"), e.text)
        for e in element.iter()
        if len(e) == 0 and e is not element
    ]


def test_the_header_and_a_child_come_back_element_by_element():
    xml = census_bytes(_case(), 2025, "873", created=CREATED)
    root = etree.fromstring(xml)
    assert _leaves(root.find("Header")) == [
        ("CollectionDetails/Collection", "CIN"),
        ("CollectionDetails/Year", "2025"),
        ("CollectionDetails/ReferenceDate", "2025-03-31"),
        ("Source/SourceLevel", "L"),
        ("Source/LEA", "873"),
        ("Source/SoftwareCode", "cscw"),
        ("Source/Release", "1"),
        ("Source/SerialNo", "001"),
        ("Source/DateTime", "2025-04-02T09:30:00"),
    ]
    # The schema's order within CINdetails: ... DateOfInitialCPC, Assessments, CINPlanDates, Section47,
    # ReferralNFA, ChildProtectionPlans; one Reviews holding every review date.
    assert _leaves(_children(xml)["A1"]) == [
        ("ChildIdentifiers/LAchildID", "A1"),
        ("ChildIdentifiers/UPN", "Q935831452010"),
        ("ChildIdentifiers/PersonBirthDate", "2014-06-01"),
        ("ChildIdentifiers/Sex", "F"),
        ("ChildCharacteristics/Ethnicity", "WBRI"),
        ("ChildCharacteristics/Disabilities/Disability", "NONE"),
        ("CINdetails/CINreferralDate", "2024-05-01"),
        ("CINdetails/ReferralSource", "2A"),
        ("CINdetails/PrimaryNeedCode", "N1"),
        ("CINdetails/Assessments/AssessmentActualStartDate", "2024-05-02"),
        ("CINdetails/Assessments/AssessmentAuthorisationDate", "2024-06-10"),
        ("CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[1]", "3A"),
        ("CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors[2]", "4A"),
        ("CINdetails/Section47/S47ActualStartDate", "2024-05-03"),
        ("CINdetails/Section47/DateOfInitialCPC", "2024-05-20"),
        ("CINdetails/Section47/ICPCnotRequired", "0"),
        ("CINdetails/ReferralNFA", "0"),
        ("CINdetails/ChildProtectionPlans/CPPstartDate", "2024-05-20"),
        ("CINdetails/ChildProtectionPlans/InitialCategoryOfAbuse", "NEG"),
        ("CINdetails/ChildProtectionPlans/LatestCategoryOfAbuse", "EMO"),
        ("CINdetails/ChildProtectionPlans/NumberOfPreviousCPP", "1"),
        ("CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate[1]", "2024-08-19"),
        ("CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate[2]", "2025-02-17"),
    ]
    b2 = _children(xml)["B2"]
    assert [d.findtext("CINreferralDate") for d in b2.iterfind("CINdetails")] == ["2024-04-08", "2025-01-15"]
    assert [d.findtext("ReferralNFA") for d in b2.iterfind("CINdetails")] == ["0", "1"]
    assert b2.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert b2.find("CINdetails/CINPlanDates/CINPlanEndDate").text == "2024-12-13"


def test_sex_is_gender_current_before_2024_25():
    a1 = _children(census_bytes(_case(), 2024, "873"))["A1"]
    assert a1.findtext("ChildIdentifiers/GenderCurrent") == "2" and a1.find("ChildIdentifiers/Sex") is None
    b2 = _children(census_bytes(_case(), 2025, "873"))["B2"]
    assert b2.findtext("ChildIdentifiers/Sex") == "M" and b2.find("ChildIdentifiers/GenderCurrent") is None


def test_items_of_no_written_referral_and_children_without_one_are_left_out():
    case = _case()
    case.children = pd.concat([case.children, pd.DataFrame([{"child_id": "C3", "sex": "1", "ethnicity": "WBRI"}])])
    case.cin_plans = pd.concat([case.cin_plans, pd.DataFrame([{"referral_id": "R9", "plan_start_date": "2024-06-01"}])])
    xml = census_bytes(case, 2025, "873")
    assert set(_children(xml)) == {"A1", "B2"}
    assert xml.count(b"<CINPlanDates>") == 1


@pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator-cin")
def test_the_hand_made_census_passes_the_dfe_rules(tmp_path):
    xml = tmp_path / "cin_census_2025.xml"
    assert write_census(xml, _case(), 2025, "873", created=CREATED) == 2
    report = validate(xml, 2025)
    failed = {r["code"]: r for r in report["rules"] if r["status"] == "failed"}
    assert {code for code, r in failed.items() if r["severity"] == "error"} == set()
    assert report["summary"]["crashed"] == 0 and report["summary"]["rules"] > 100
    assert report["children"] == 2


def test_the_report_names_every_flagged_child_and_says_when_a_rule_is_about_the_whole_return(tmp_path):
    from outputs.returns.cin import _not_run
    from outputs.returns.report import write_markdown

    rules = [
        {"code": "4220", "description": "Ethnicity invalid", "status": "failed", "severity": "error",
         "locations": [{"table": "ChildCharacteristics", "row": 3, "child": "B2", "fields": ["Ethnicity"]}]},
        {"code": "2887Q", "description": "Few disability codes", "status": "failed", "severity": "query",
         "locations": []},
        {"code": "8565", "description": "Activity after closure", "status": "crashed", "severity": "error",
         "locations": [], "crash": "ValueError: length"},
    ]  # fmt: skip
    report = {
        "collection_year": 2025,
        "la": "873",
        "rules": rules,
        "summary": {"rules": 3, "passed": 0, "failed_error": 1, "error_rows": 1, "failed_query": 1, "query_rows": 0,
                    "skipped": 0, "crashed": 1},
    }  # fmt: skip
    path = tmp_path / "validation_report.md"
    write_markdown(report, path, [], "CIN census", _not_run(report))
    text = path.read_text()
    assert "**NOT READY:** 1 rules with errors (1 locations)." in text
    assert "| ChildCharacteristics | 3 | B2 | Ethnicity |" in text
    errors, queries = text.split("## Queries")
    assert "4220" in errors and "2887Q" in queries and "it flags no single record" in queries
    assert "**8565**: Activity after closure Crashed (ValueError: length)" in text
