"""The Annex A lists on the hand-made landing (tests/fixtures/annex_a_cases/README.md): who is on each list
and the values worked by hand from the guidance's headings and the README's readings, not from the SQL."""

from __future__ import annotations

from datetime import date

import pytest

from outputs.annex_a import LISTS, fill, months_before

AS_AT = date(2024, 3, 31)  # the fixture's extract date


@pytest.fixture(scope="module")
def con(annex_a_warehouse):
    import duckdb

    with duckdb.connect(str(annex_a_warehouse), read_only=True) as con:
        yield con


def as_records(filled) -> dict[int, list[dict]]:
    return {f.spec.number: [dict(zip(f.spec.headings, row, strict=True)) for row in f.rows] for f in filled}


@pytest.fixture(scope="module")
def lists(con):
    return as_records(fill(con, AS_AT, "E10000003"))


def ids(records: list[dict]) -> list[str]:
    return sorted(r.get("Child Unique ID") for r in records)


def test_windows_are_the_six_and_twelve_months_up_to_the_as_at_date():
    assert months_before(AS_AT, 6) == date(2023, 10, 1)
    assert months_before(AS_AT, 12) == date(2023, 4, 1)
    assert months_before(date(2024, 8, 31), 6) == date(2024, 3, 1)  # 29 Feb is the sixth month's end
    assert months_before(date(2024, 1, 15), 12) == date(2023, 1, 16)


def test_who_is_on_each_list(lists):
    assert ids(lists[3]) == ["A0000001", "A0000005"]  # A0000001's 30 Sep referral is a day before the window
    assert ids(lists[4]) == ["A0000001", "A0000003"]  # started in the window; authorised in it
    assert ids(lists[5]) == ["A0000001", "A0000003"]  # A0000003's March 2023 enquiry is outside
    assert ids(lists[6]) == ["A0000001", "A0000003", "A0000004"]  # NFA referrals and A0000002 (closed 30 Sep) out
    assert ids(lists[7]) == ["A0000001", "A0000002"]  # A0000003's plan ended 30 Sep, before the window
    # A0000007 left care in August; A0000009 is in care but not in the case extract.
    assert ids(lists[8]) == ["A0000004", "A0000005", "A0000006", "A0000009"]
    assert ids(lists[9]) == ["A0000007"]  # the 2023/24 OC3 year only
    assert ids(lists[10]) == ["A0000006"]
    assert lists[1] == lists[2] == lists[11] == []


def test_referrals_count_the_last_twelve_months_and_nfa(lists):
    by_child = {r["Child Unique ID"]: r for r in lists[3]}
    assert by_child["A0000001"]["Number of Referrals in Last 12 Months"] == 2  # with the NFA one the day before
    assert by_child["A0000001"]["Referral NFA?"] == "No"
    assert by_child["A0000005"]["Referral NFA?"] == "Yes"
    assert by_child["A0000005"]["Date of referral"] == AS_AT  # the window includes the as-at date
    assert by_child["A0000001"]["Gender"] == "a) Male" and by_child["A0000005"]["Ethnicity"] == "b) WIRI"
    assert by_child["A0000001"]["Age of Child (Years)"] == 8  # born 10 Apr 2015


def test_section_47_outcome_and_counts(lists):
    by_child = {r["Child Unique ID"]: r for r in lists[5]}
    a1, a3 = by_child["A0000001"], by_child["A0000003"]
    assert a1["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == "Yes"
    assert a1["Date of Initial Child Protection Conference"] == date(2023, 12, 1)
    assert a3["Was an Initial Child Protection Conference deemed unnecessary?"] == "Yes"
    assert a3["Did the Initial Child Protection Conference Result in a Child Protection Plan"] is None
    # A0000003's first enquiry and conference (March 2023) are more than 12 months before.
    assert (
        a3["Number of Section 47 Enquiries in the last 12 months"],
        a3["Number of ICPCs in the last 12 months"],
    ) == (
        1,
        0,
    )


def test_children_in_need_status_on_the_as_at_date(lists):
    status = {r["Child Unique ID"]: r["Case Status"] for r in lists[6]}
    assert status == {
        "A0000001": "b) Child Protection plan",
        "A0000003": "e) Closed episode",
        "A0000004": "a) Looked after child",
    }
    closed = next(r for r in lists[6] if r["Child Unique ID"] == "A0000003")
    assert closed["Reason for Closure"] == "h) Child not in need after assessment"
    assert closed["Primary Need Code"] == "e) Family dysfunction"


def test_previous_child_protection_plans(lists):
    previous = {r["Child Unique ID"]: r["Number of Previous Child Protection Plans"] for r in lists[7]}
    assert previous == {"A0000001": 0, "A0000002": 1}


def test_children_in_care(lists):
    by_child = {r["Child Unique ID"]: r for r in lists[8]}
    a4, a5, a6 = by_child["A0000004"], by_child["A0000005"], by_child["A0000006"]
    assert a4["Start date of current legal status"] == date(2024, 1, 10) and a4["Child's Legal Status"] == "C2"
    assert a4["Number of Placements in the Last 12 months"] == 2
    assert a4["Date of Latest Statutory Review"] == date(2024, 1, 5)
    missing = "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
    absent = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
    assert (a4[missing], a4[absent]) == (1, 1)  # the March 2023 missing episode is over a year before
    second = "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
    assert (a4[second], a5[second]) == ("No", "Yes")  # A0000005 left care on 1 May 2023, back in August
    assert a5["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] == "Yes"
    assert (
        a6["Date Ceased to be Looked After"] == date(2023, 11, 15) and a6["Reason Ceased to be Looked After"] == "E11"
    )
    assert a6["Start date of current legal status"] == date(2022, 9, 15)  # E1 over two episodes
    assert (a6["Placement Type"], a6["Placement Location"], a6["LA of Placement"]) == ("A5", "a) In", "E10000003")


def test_a_child_in_care_the_case_extract_lacks_is_listed_from_the_903_header(lists):
    a9 = next(r for r in lists[8] if r["Child Unique ID"] == "A0000009")
    assert (a9["Gender"], a9["Ethnicity"], a9["Date of Birth"]) == ("a) Male", "q) CHNE", date(2011, 3, 3))
    assert a9["Does the Child have a Disability"] == "Unknown"  # the 903 header does not say


def test_care_leavers_and_adoption(lists):
    (leaver,) = lists[9]
    assert (leaver["LA in Touch"], leaver["Activity Status"]) == ("YES", "F2")
    assert leaver["Type of Accommodation"] == "c) Semi-independent transitional accommodation"  # ACCOM D1
    assert leaver["Suitability of Accommodation"] == "a) Suitable"
    (child,) = lists[10]
    assert [child[h] for h in LISTS[9].headings[7:13]] == [
        date(2022, 3, 1),  # entered care
        date(2022, 9, 1),  # decision
        date(2022, 9, 15),  # placement order (E1)
        date(2023, 2, 10),  # matched (AD1)
        date(2023, 3, 1),  # placed (A5)
        date(2023, 11, 15),  # adoption order (E11)
    ]


def test_nothing_after_the_as_at_date_is_shown(con):
    """As at 30 Nov 2023: A0000003's closure (15 Dec) and A0000006's adoption (15 Nov, shown) as then known."""
    earlier = as_records(fill(con, date(2023, 11, 30), "E10000003"))
    a3 = next(r for r in earlier[6] if r["Child Unique ID"] == "A0000003")
    assert a3["CIN Closure Date"] is None and a3["Reason for Closure"] is None
    assert a3["Case Status"] is None  # authorised in October, no plan: open with nothing to say
    # A0000001's plan starts on 1 Dec; A0000003's ended 30 Sep, within the six months from 1 Jun.
    assert ids(earlier[7]) == ["A0000002", "A0000003"]
    s47 = next(r for r in earlier[5] if r["Child Unique ID"] == "A0000001")  # enquiry 20 Nov, conference 1 Dec
    assert s47["Date of Initial Child Protection Conference"] is None
    assert s47["Did the Initial Child Protection Conference Result in a Child Protection Plan"] is None
    assert s47["Number of ICPCs in the last 12 months"] == 0
    adoption = next(r for r in earlier[10] if r["Child Unique ID"] == "A0000006")
    assert adoption["Date of Adoption Order"] == date(2023, 11, 15)
    a4 = next(r for r in earlier[8] if r["Child Unique ID"] == "A0000004")
    assert a4["Child's Legal Status"] == "V2" and a4["Start date of current legal status"] == date(2023, 6, 15)


def test_an_extract_without_section_47_says_so(annex_a_warehouse, tmp_path):
    """section_47.csv is optional: a warehouse whose extract left it out has no List 5, and says why."""
    import shutil

    import duckdb

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(annex_a_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from staging.stg_case__section_47")
        (s47,) = [f for f in fill(con, AS_AT, "E10000003") if f.spec.number == 5]
        assert s47.rows == [] and "sent no Section 47 enquiries" in s47.unfilled
        con.execute("drop table staging.stg_case__section_47")
        (s47,) = [f for f in fill(con, AS_AT, "E10000003") if f.spec.number == 5]
        assert s47.unfilled == "staging.stg_case__section_47 is not in this warehouse yet"
