"""The one writer of the DfE's Children in Need census XML, for `cscw return cin` and the generator alike.

Element names and their order are the DfE CIN census schema's (CIN_schema_<year>.xsd, as liia-tools-pipeline
carries them under liiatools/cin_census_pipeline/spec/, and as csc-validator-be-cin's ingress reads them):

    Message / Header (CollectionDetails: Collection, Year, ReferenceDate;
                      Source: SourceLevel, LEA, SoftwareCode, Release, SerialNo, DateTime)
            / Children / Child / ChildIdentifiers (LAchildID, UPN, FormerUPN, UPNunknown, PersonBirthDate,
                                                   ExpectedPersonBirthDate, GenderCurrent | Sex, PersonDeathDate)
                               / ChildCharacteristics (Ethnicity, Disabilities / Disability*)
                               / CINdetails* (CINreferralDate, ReferralSource, PrimaryNeedCode, CINclosureDate,
                                              ReasonForClosure, DateOfInitialCPC, Assessments*, CINPlanDates*,
                                              Section47*, ReferralNFA, ChildProtectionPlans*)

ReferralNFA comes after Section47 in every year's schema (not beside the other referral items), and a
plan's reviews are one Reviews element holding every CPPreviewDate. The child's sex is GenderCurrent
(1 male, 2 female, 0 not recorded or unborn, 9 indeterminate) up to 2023/24 and Sex (M, F, U) from
2024/25. Yes/no items are written 1/0, the schema's values. A year is named by its end (2025 = 2024/25);
its reference date is 31 March of that year.

The writer takes plain tables (pandas DataFrames, one row per item, dates as dates or ISO text, blanks as
None/NaN) already cut to the collection year; it decides nothing about who is in the census. Every item
below a child hangs from a referral by `referral_id`; an item whose referral is not in `referrals`, or a
referral whose child is not in `children`, is not written (the caller's cut decides, not the writer).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from lxml import etree

SOFTWARE = "cscw"
# Collection years from which the census carries Sex (M/F/U) instead of GenderCurrent (1/2/0/9).
FIRST_SEX_YEAR = 2025
GENDER_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
SEX_TO_GENDER = {"M": "1", "F": "2", "U": "0"}


def _empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


@dataclass
class CensusTables:
    """The census's items as plain tables (columns named in each default)."""

    children: pd.DataFrame = field(
        default_factory=lambda: _empty(
            "child_id",
            "upn",
            "former_upn",
            "upn_unknown",
            "date_of_birth",
            "expected_birth_date",
            "sex",
            "death_date",
            "ethnicity",
        )  # fmt: skip
    )
    disabilities: pd.DataFrame = field(default_factory=lambda: _empty("child_id", "disability"))
    referrals: pd.DataFrame = field(
        default_factory=lambda: _empty(
            "referral_id",
            "child_id",
            "referral_date",
            "referral_source",
            "primary_need",
            "closure_date",
            "closure_reason",
            "icpc_date",
            "is_nfa",
        )  # fmt: skip
    )
    assessments: pd.DataFrame = field(
        default_factory=lambda: _empty(
            "referral_id", "assessment_start_date", "assessment_review_date", "assessment_authorised_date", "factors"
        )
    )
    cin_plans: pd.DataFrame = field(default_factory=lambda: _empty("referral_id", "plan_start_date", "plan_end_date"))
    section_47: pd.DataFrame = field(
        default_factory=lambda: _empty(
            "referral_id", "s47_start_date", "icpc_target_date", "icpc_date", "icpc_not_required"
        )
    )
    cp_plans: pd.DataFrame = field(
        default_factory=lambda: _empty(
            "referral_id",
            "plan_start_date",
            "plan_end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
            "review_dates",
        )  # fmt: skip
    )


def _blank(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _text(value) -> str | None:
    """The item as the census writes it: ISO dates, booleans 1/0, whole numbers without '.0'."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _yes_no(value) -> str:
    text = _text(value)
    return "1" if text is not None and text.upper() in ("1", "Y", "YES", "TRUE") else "0"


def _add(parent: etree._Element, tag: str, value) -> None:
    """An optional item: written only when it has a value."""
    text = _text(value)
    if text is not None:
        etree.SubElement(parent, tag).text = text


def _sex(value, year: int) -> str | None:
    text = _text(value)
    if text is None:
        return None
    text = text.upper()
    if year >= FIRST_SEX_YEAR:
        return GENDER_TO_SEX.get(text, text)
    return SEX_TO_GENDER.get(text, text)


def _rows(df: pd.DataFrame, key: str) -> dict[str, list[dict]]:
    by: dict[str, list[dict]] = defaultdict(list)
    for row in df.to_dict("records"):
        by[str(row[key])].append(row)
    return by


def _list(value) -> list[str]:
    """Several codes in one cell (disability factors, review dates): a list, or text split on spaces/commas."""
    if isinstance(value, list | tuple):
        return [t for t in (_text(v) for v in value) if t]
    text = _text(value)
    return [] if text is None else [t for t in text.replace(",", " ").split() if t]


def _header(root: etree._Element, year: int, la_dfe: str, created: datetime, release: str) -> None:
    header = etree.SubElement(root, "Header")
    details = etree.SubElement(header, "CollectionDetails")
    etree.SubElement(details, "Collection").text = "CIN"
    etree.SubElement(details, "Year").text = str(year)
    etree.SubElement(details, "ReferenceDate").text = date(year, 3, 31).isoformat()
    source = etree.SubElement(header, "Source")
    etree.SubElement(source, "SourceLevel").text = "L"
    etree.SubElement(source, "LEA").text = la_dfe
    etree.SubElement(source, "SoftwareCode").text = SOFTWARE
    etree.SubElement(source, "Release").text = release
    etree.SubElement(source, "SerialNo").text = "001"
    etree.SubElement(source, "DateTime").text = created.replace(microsecond=0).isoformat()


def _identifiers(child_el: etree._Element, child: dict, year: int) -> None:
    ids = etree.SubElement(child_el, "ChildIdentifiers")
    etree.SubElement(ids, "LAchildID").text = _text(child["child_id"])
    for tag, column in (
        ("UPN", "upn"),
        ("FormerUPN", "former_upn"),
        ("UPNunknown", "upn_unknown"),
        ("PersonBirthDate", "date_of_birth"),
        ("ExpectedPersonBirthDate", "expected_birth_date"),
    ):
        _add(ids, tag, child.get(column))
    _add(ids, "Sex" if year >= FIRST_SEX_YEAR else "GenderCurrent", _sex(child.get("sex"), year))
    _add(ids, "PersonDeathDate", child.get("death_date"))


def _characteristics(child_el: etree._Element, child: dict, disabilities: list[dict]) -> None:
    chars = etree.SubElement(child_el, "ChildCharacteristics")
    _add(chars, "Ethnicity", child.get("ethnicity"))
    codes = [c for c in (_text(d["disability"]) for d in disabilities) if c]
    if codes:
        block = etree.SubElement(chars, "Disabilities")
        for code in codes:
            etree.SubElement(block, "Disability").text = code


def _assessment(parent: etree._Element, a: dict) -> None:
    el = etree.SubElement(parent, "Assessments")
    _add(el, "AssessmentActualStartDate", a.get("assessment_start_date"))
    _add(el, "AssessmentInternalReviewDate", a.get("assessment_review_date"))
    _add(el, "AssessmentAuthorisationDate", a.get("assessment_authorised_date"))
    factors = _list(a.get("factors"))
    if factors:
        block = etree.SubElement(el, "FactorsIdentifiedAtAssessment")
        for code in factors:
            etree.SubElement(block, "AssessmentFactors").text = code


def _cp_plan(parent: etree._Element, p: dict) -> None:
    el = etree.SubElement(parent, "ChildProtectionPlans")
    _add(el, "CPPstartDate", p.get("plan_start_date"))
    _add(el, "CPPendDate", p.get("plan_end_date"))
    _add(el, "InitialCategoryOfAbuse", p.get("initial_category"))
    _add(el, "LatestCategoryOfAbuse", p.get("latest_category"))
    _add(el, "NumberOfPreviousCPP", p.get("previous_plans"))
    reviews = _list(p.get("review_dates"))
    if reviews:
        block = etree.SubElement(el, "Reviews")
        for review in reviews:
            etree.SubElement(block, "CPPreviewDate").text = review


def _cin_details(child_el: etree._Element, ref: dict, items: dict[str, dict[str, list[dict]]]) -> None:
    key = str(ref["referral_id"])
    el = etree.SubElement(child_el, "CINdetails")
    for tag, column in (
        ("CINreferralDate", "referral_date"),
        ("ReferralSource", "referral_source"),
        ("PrimaryNeedCode", "primary_need"),
        ("CINclosureDate", "closure_date"),
        ("ReasonForClosure", "closure_reason"),
        ("DateOfInitialCPC", "icpc_date"),
    ):
        _add(el, tag, ref.get(column))
    for a in items["assessments"].get(key, []):
        _assessment(el, a)
    for p in items["cin_plans"].get(key, []):
        plan = etree.SubElement(el, "CINPlanDates")
        _add(plan, "CINPlanStartDate", p.get("plan_start_date"))
        _add(plan, "CINPlanEndDate", p.get("plan_end_date"))
    for s in items["section_47"].get(key, []):
        s47 = etree.SubElement(el, "Section47")
        _add(s47, "S47ActualStartDate", s.get("s47_start_date"))
        _add(s47, "InitialCPCtarget", s.get("icpc_target_date"))
        _add(s47, "DateOfInitialCPC", s.get("icpc_date"))
        etree.SubElement(s47, "ICPCnotRequired").text = _yes_no(s.get("icpc_not_required"))
    etree.SubElement(el, "ReferralNFA").text = _yes_no(ref.get("is_nfa"))
    for p in items["cp_plans"].get(key, []):
        _cp_plan(el, p)


def _sorted(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A fixed order (same tables, same bytes) whatever order the caller's query returned."""
    present = [c for c in columns if c in df.columns]
    return df.sort_values(present, kind="stable", key=lambda s: s.map(lambda v: _text(v) or "")) if present else df


def census_tree(
    tables: CensusTables, year: int, la_dfe: str, *, created: datetime | None = None, release: str = "1"
) -> etree._Element:
    """The census of collection year `year` (named by its end) as an lxml element tree (root: Message)."""
    root = etree.Element("Message")
    _header(root, year, la_dfe, created or datetime(year, 4, 1), release)
    children_el = etree.SubElement(root, "Children")
    items = {
        "assessments": _rows(_sorted(tables.assessments, ["referral_id", "assessment_start_date"]), "referral_id"),
        "cin_plans": _rows(_sorted(tables.cin_plans, ["referral_id", "plan_start_date"]), "referral_id"),
        "section_47": _rows(_sorted(tables.section_47, ["referral_id", "s47_start_date"]), "referral_id"),
        "cp_plans": _rows(_sorted(tables.cp_plans, ["referral_id", "plan_start_date"]), "referral_id"),
    }
    referrals = _rows(_sorted(tables.referrals, ["child_id", "referral_date", "referral_id"]), "child_id")
    disabilities = _rows(_sorted(tables.disabilities, ["child_id", "disability"]), "child_id")
    for child in _sorted(tables.children, ["child_id"]).to_dict("records"):
        refs = referrals.get(str(child["child_id"]), [])
        if not refs:
            continue  # a census child has at least one CIN episode (rule 8590)
        child_el = etree.SubElement(children_el, "Child")
        _identifiers(child_el, child, year)
        _characteristics(child_el, child, disabilities.get(str(child["child_id"]), []))
        for ref in refs:
            _cin_details(child_el, ref, items)
    return root


def census_bytes(tables: CensusTables, year: int, la_dfe: str, **kwargs) -> bytes:
    return etree.tostring(census_tree(tables, year, la_dfe, **kwargs), xml_declaration=True, encoding="UTF-8")


def write_census(path: Path, tables: CensusTables, year: int, la_dfe: str, **kwargs) -> int:
    """Write the census to `path` (atomically: a reader never sees half a file); returns the children written."""
    root = census_tree(tables, year, la_dfe, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    tmp.replace(path)
    return len(root.find("Children"))
