"""Read a folder of DfE Children in Need census XML files into the cin_census entities' tables.

Each `*.xml` file of `landing/cin_census/<date>/` is one census (any year from 2017/18; a year's annual return
or a monthly performance run). The layout is the DfE's (CIN_schema_<year>.xsd): Message / Header
(CollectionDetails: Collection, Year, ReferenceDate) / Children / Child (ChildIdentifiers, ChildCharacteristics
with Disabilities, CINdetails* with Assessments*, CINPlanDates*, Section47*, ChildProtectionPlans* with Reviews).

Parsed with lxml, never resolving entities, never fetching a DTD or anything else over the network, and with
lxml's huge-tree limits on (a file built to exhaust memory is refused as unreadable). Element names are matched
without their namespace. What this module decides, each once:

- structural, refusing the snapshot: a file that is not well-formed XML (`unreadable`, with its line), one
  whose root is not Message or whose Header lacks the collection's ReferenceDate (`not_census`), a folder
  without any `.xml` file (`file_missing`). Other files in the folder are not read.
- every element becomes one row of its entity's table, text as written (dates and codes are then checked by
  the same readers and rules as every CSV: ingest/readers.check_table), with `source_file` and `source_line`
  (lxml's sourceline of the element) so every problem names the file and line, and `census_year`.
- the child's sex is GenderCurrent (1/2/0/9, to 2023/24) or Sex (M/F/U, from 2024/25), whichever the file
  has; the schema's booleans (true/false, 1/0) are Y/N, as the case layout writes them.
- several files are stitched into one history (ingest/census_stitch.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from ingest.census_stitch import Census, stitch
from ingest.contracts import Entity
from ingest.readers import ContractError, ReadResult, check_table

BOOLEANS = {"TRUE": "Y", "1": "Y", "FALSE": "N", "0": "N"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
    )


def _name(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [e for e in element if _name(e) == name]


def _first(element, name: str):
    return next(iter(_children(element, name)), None)


def _text(element, name: str) -> str | None:
    found = _first(element, name) if element is not None else None
    text = found.text.strip() if found is not None and found.text else ""
    return text or None


def _boolean(element, name: str) -> str | None:
    text = _text(element, name)
    return BOOLEANS.get(text.upper(), text) if text else None


@dataclass
class _Rows:
    """The rows of one census file, by entity, each with where it was."""

    census: Census
    tables: dict[str, list[dict]]

    def add(self, entity: str, element, **values) -> dict:
        row = {**values, "source_file": self.census.file, "source_line": element.sourceline or 0}
        row["census_year"] = self.census.year
        self.tables.setdefault(entity, []).append(row)
        return row


def _header(root, path: Path) -> Census:
    if _name(root) != "Message":
        raise ContractError(path, "not_census", f"the root element is <{_name(root)}>, not a CIN census <Message>")
    details = _first(_first(root, "Header") if _first(root, "Header") is not None else root, "CollectionDetails")
    reference = _text(details, "ReferenceDate") if details is not None else None
    try:
        year = pd.Timestamp(reference).year if reference else None
    except ValueError:
        year = None
    if year is None:
        raise ContractError(path, "not_census", "no Header/CollectionDetails/ReferenceDate (a real date)")
    source = _first(_first(root, "Header"), "Source")
    return Census(path.name, year, reference, _text(source, "DateTime") if source is not None else None)


def _episode(rows: _Rows, episode, child_id: str | None) -> None:
    referral_date = _text(episode, "CINreferralDate")
    key = {"child_id": child_id, "referral_date": referral_date}
    rows.add(
        "referrals",
        episode,
        **key,
        referral_source=_text(episode, "ReferralSource"),
        primary_need=_text(episode, "PrimaryNeedCode"),
        closure_date=_text(episode, "CINclosureDate"),
        closure_reason=_text(episode, "ReasonForClosure"),
        icpc_date=_text(episode, "DateOfInitialCPC"),
        nfa=_boolean(episode, "ReferralNFA"),
    )
    for a in _children(episode, "Assessments"):
        factors = _first(a, "FactorsIdentifiedAtAssessment")
        codes = [e.text.strip() for e in (factors if factors is not None else []) if e.text and e.text.strip()]
        rows.add(
            "assessments",
            a,
            **key,
            assessment_start_date=_text(a, "AssessmentActualStartDate"),
            assessment_review_date=_text(a, "AssessmentInternalReviewDate"),
            assessment_authorised_date=_text(a, "AssessmentAuthorisationDate"),
            factors=" ".join(codes) or None,
        )
    for p in _children(episode, "CINPlanDates"):
        rows.add(
            "cin_plans",
            p,
            **key,
            plan_start_date=_text(p, "CINPlanStartDate"),
            plan_end_date=_text(p, "CINPlanEndDate"),
        )
    for s in _children(episode, "Section47"):
        rows.add(
            "section_47",
            s,
            **key,
            s47_start_date=_text(s, "S47ActualStartDate"),
            icpc_target_date=_text(s, "InitialCPCtarget"),
            icpc_date=_text(s, "DateOfInitialCPC"),
            icpc_not_required=_boolean(s, "ICPCnotRequired"),
        )
    for p in _children(episode, "ChildProtectionPlans"):
        start = _text(p, "CPPstartDate")
        rows.add(
            "cp_plans",
            p,
            **key,
            plan_start_date=start,
            plan_end_date=_text(p, "CPPendDate"),
            initial_category=_text(p, "InitialCategoryOfAbuse"),
            latest_category=_text(p, "LatestCategoryOfAbuse"),
            previous_plans=_text(p, "NumberOfPreviousCPP"),
        )
        for reviews in _children(p, "Reviews"):
            for review in _children(reviews, "CPPreviewDate"):
                date_text = review.text.strip() if review.text else None
                rows.add("cp_reviews", review, **key, plan_start_date=start, review_date=date_text or None)


def _child(rows: _Rows, child) -> None:
    ids = _first(child, "ChildIdentifiers")
    chars = _first(child, "ChildCharacteristics")
    child_id = _text(ids, "LAchildID")
    rows.add(
        "children",
        child,
        child_id=child_id,
        upn=_text(ids, "UPN"),
        former_upn=_text(ids, "FormerUPN"),
        upn_unknown=_text(ids, "UPNunknown"),
        date_of_birth=_text(ids, "PersonBirthDate"),
        expected_birth_date=_text(ids, "ExpectedPersonBirthDate"),
        sex=_text(ids, "Sex") or _text(ids, "GenderCurrent"),
        death_date=_text(ids, "PersonDeathDate"),
        ethnicity=_text(chars, "Ethnicity"),
    )
    disabilities = _first(chars, "Disabilities") if chars is not None else None
    for d in _children(disabilities, "Disability") if disabilities is not None else []:
        rows.add("disabilities", d, child_id=child_id, disability=d.text.strip() if d.text else None)
    for episode in _children(child, "CINdetails"):
        _episode(rows, episode, child_id)


def read_file(path: Path) -> _Rows:
    """One census file's rows; a file that is not a census raises ContractError (structural)."""
    try:
        root = etree.parse(str(path), _parser()).getroot()
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise ContractError(path, "unreadable", f"not well-formed XML ({error.msg})", row=line) from error
    except OSError as error:
        raise ContractError(path, "unreadable", f"cannot be read ({error})") from error
    rows = _Rows(_header(root, path), {})
    children = _first(root, "Children")
    for child in _children(children, "Child") if children is not None else []:
        _child(rows, child)
    return rows


def census_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")


def read_census(folder: Path, entities: list[Entity], con=None) -> dict[str, ReadResult]:
    """Every census file of the folder, stitched, as one checked table per entity."""
    files = census_files(folder)
    if not files:
        raise ContractError(folder / "census.xml", "file_missing", "no CIN census file (*.xml) in the folder")
    tables = stitch([read_file(path) for path in files])
    newest = folder / tables.newest
    reads = {}
    for entity in entities:
        rows = tables.rows.get(entity.name, [])
        frame = pd.DataFrame(rows, columns=entity.raw_names, dtype=object)
        reads[entity.name] = check_table(newest, entity, frame, list(range(1, len(frame) + 1)), con)
    return reads
