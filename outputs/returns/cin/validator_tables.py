"""The CIN validator's eleven tables of a census, built in one walk of the XML.

Standalone like validator.py beside it (it runs under ``.venv-validator-cin``): the standard library, pandas
and ``cin_validator`` only. The package's ingress (``cin_validator.ingress.XMLtoCSV``) grows each table with
``pd.concat`` once per child, which is quadratic in the children; here the same walk collects every table's
rows as dicts and makes each DataFrame once. What goes into a row is the ingress's own: its ``get_values``,
its column lists and id columns, its ids counted within a child (CINdetailsID), a CIN details block
(AssessmentID, CPPID), and its header; then its ``process_data`` parses the dates. The parity test
(tests/returns/test_cin_validator_tables.py) holds the result equal, table by table, to ``convert_data``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
from cin_validator.cin_validator import process_data
from cin_validator.ingress import XMLtoCSV
from cin_validator.utils import get_values

# The tables in convert_data's order, with the ingress's columns for each.
NAMES = (
    "Header",
    "ChildIdentifiers",
    "ChildCharacteristics",
    "ChildProtectionPlans",
    "CINdetails",
    "CINplanDates",
    "Reviews",
    "Section47",
    "Assessments",
    "AssessmentFactorsList",
    "Disabilities",
)
COLUMNS = {name: list(getattr(XMLtoCSV, name).columns) for name in NAMES}


class NotACensus(ValueError):
    """The XML lacks a block the tables cannot be made without."""


# The columns the ingress reads from each table's own block: all but the ids it carries down or counts, except
# in ChildIdentifiers, where LAchildID is read.
FIELDS = {name: [c for c in cols if c not in XMLtoCSV.id_cols] for name, cols in COLUMNS.items()}
FIELDS["ChildIdentifiers"] = COLUMNS["ChildIdentifiers"]


class _Walk:
    """One pass over the children, appending each table's rows in the ingress's order."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in NAMES if name != "Header"}
        # The tables the ingress concatenated onto, even with no rows: an empty one of these has a RangeIndex,
        # the others keep the object index of the ingress's starting frame.
        self.touched: set[str] = set()

    def row(self, table: str, ids: dict, block) -> dict:
        values = get_values(FIELDS[table], dict(ids), block)
        self.rows[table].append(values)
        return values

    def child(self, child: ET.Element) -> None:
        self.touched |= {"ChildIdentifiers", "ChildCharacteristics", "CINdetails", "ChildProtectionPlans", "Reviews"}
        identifiers = self.row("ChildIdentifiers", {}, child.find("ChildIdentifiers"))
        ids = {"LAchildID": identifiers.get("LAchildID", pd.NA)}
        characteristics = child.find("ChildCharacteristics")
        if characteristics is None:  # the ingress stops here too (it reads the disabilities from this block)
            raise NotACensus(f"the child {ids['LAchildID']} has no <ChildCharacteristics>")
        self.row("ChildCharacteristics", ids, characteristics)
        disabilities = characteristics.find("Disabilities")
        if disabilities is not None:  # every element in it, whatever its tag, as the ingress reads them
            self.touched.add("Disabilities")
            self.rows["Disabilities"] += [{**ids, "Disability": disability.text} for disability in disabilities]
        details = child.findall("CINdetails")
        for number, detail in enumerate(details, start=1):
            detail_ids = {**ids, "CINdetailsID": number}
            self.row("CINdetails", detail_ids, detail)
            self.touched |= {"Assessments", "CINplanDates", "Section47"}
            self.assessments(detail, detail_ids)
            for dates in detail.findall("CINPlanDates"):
                self.row("CINplanDates", detail_ids, dates)
            for section in detail.findall("Section47"):
                self.row("Section47", detail_ids, section)
            self.plans(detail, detail_ids)
        # As the ingress does, plans and reviews are looked for on the child itself too, after its CIN details,
        # under the last CINdetailsID (0 for a child with none).
        last = {**ids, "CINdetailsID": len(details)}
        plans = self.plans(child, last)
        self.reviews(child, {**last, "CPPID": plans})

    def assessments(self, detail: ET.Element, ids: dict) -> None:
        for number, assessment in enumerate(detail.findall("Assessments"), start=1):
            assessment_ids = {**ids, "AssessmentID": number}
            values = self.row("Assessments", assessment_ids, assessment)
            factors = assessment.find("FactorsIdentifiedAtAssessment")
            if factors is not None and len(factors):
                texts = [factor.text for factor in factors]
                self.rows["AssessmentFactorsList"] += [{**assessment_ids, "AssessmentFactor": t} for t in texts]
                values["AssessmentFactors"] = texts

    def plans(self, block: ET.Element, ids: dict) -> int:
        plans = block.findall("ChildProtectionPlans")
        for number, plan in enumerate(plans, start=1):
            plan_ids = {**ids, "CPPID": number}
            self.row("ChildProtectionPlans", plan_ids, plan)
            self.reviews(plan, plan_ids)
        return len(plans)

    def reviews(self, block: ET.Element, ids: dict) -> None:
        for review in block.findall("Reviews[CPPreviewDate]"):
            self.row("Reviews", ids, review)


def _frame(name: str, walk: _Walk) -> pd.DataFrame:
    """The table as the ingress's concatenation onto its empty, untyped tables leaves it: every column object
    (the id counters too), NaN where a row lacks the column (AssessmentFactors of an assessment without any)."""
    frame = pd.DataFrame(walk.rows[name], columns=COLUMNS[name], dtype=object)
    if name in walk.touched:
        frame.index = pd.RangeIndex(len(frame))
    return frame


def build_tables(root: ET.Element) -> dict[str, pd.DataFrame]:
    """The eleven tables of the census at `root`, equal to ``process_data(convert_data(root))``."""
    header = root.find("Header")
    children = root.find("Children")
    if header is None or children is None:
        raise NotACensus(f"no <{'Header' if header is None else 'Children'}> under <{root.tag}>")
    walk = _Walk()
    for child in children.findall("Child"):
        walk.child(child)
    tables = {"Header": XMLtoCSV.create_Header(None, header)}  # it reads nothing of its instance
    tables |= {name: _frame(name, walk) for name in walk.rows}
    return process_data({name: tables[name] for name in NAMES})
