"""The SSDA903 tables as the DfE sends them (CSV, or one XML file) and the landing entity each becomes.

A CSV is known by the set of names in its header, as the DfE's validator knows it (lac_validator's
config.column_names): file names vary from council to council, column sets do not.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Table:
    dfe_name: str  # as the validator names it (Header, PlacedAdoption...)
    entity: str  # the landing contract's entity (ingest/contracts/placements.py)
    columns: tuple[str, ...]  # exactly the DfE's columns, in the DfE's order


TABLES = (
    Table("Header", "header", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")),
    Table(
        "Episodes",
        "episodes",
        (
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ),
    ),
    Table("UASC", "uasc", ("CHILD", "SEX", "DOB", "DUC")),
    Table("Reviews", "reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
    Table("Missing", "missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")),
    Table(
        "OC2",
        "oc2",
        (
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ),
    ),
    Table("OC3", "oc3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
    Table(
        "AD1",
        "ad1",
        ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    ),
    Table(
        "PlacedAdoption",
        "placed_for_adoption",
        ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    ),
    Table("PrevPerm", "previous_permanence", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")),
    Table("SWEpisodes", "sw_episodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON")),
    Table("DoLo", "dolo", ("CHILD", "DOB", "DOLO_START", "DOLO_END")),
)
BY_COLUMNS = {frozenset(t.columns): t for t in TABLES}
BY_DFE_NAME = {t.dfe_name: t for t in TABLES}


class NotA903Table(ValueError):
    """A file in a year's folder whose header is none of the DfE's column sets."""


def header_names(path: Path) -> list[str]:
    """The header row's names, upper-case and stripped (the validator upper-cases; Excel adds a BOM)."""
    raw = path.read_bytes()[:65536]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8-sig", errors="replace")
    first = next(csv.reader(io.StringIO(text)), [])
    return [name.strip().lstrip("\ufeff").upper() for name in first]


def identify(path: Path) -> Table:
    names = header_names(path)
    table = BY_COLUMNS.get(frozenset(names))
    if table is None or len(names) != len(table.columns):
        raise NotA903Table(
            f"{path}: its columns ({', '.join(names) or 'none'}) are not those of any SSDA903 table "
            "(DOMAIN.md 2.2: the DfE identifies a table by its exact set of columns)"
        )
    return table


# The DfE's XML names two fields differently from the CSV layout.
XML_NAMES = {"CHILDID": "CHILD", "PL": "PLACE"}
# Elements under a child's HEADER that are rows of their own table; the rest of HEADER is the child's.
XML_ROWS = {
    "AREVIEW": "Reviews",
    "AMISSING": "Missing",
    "OC2": "OC2",
    "PERMANENCE": "PrevPerm",
    "AD_PLACED": "PlacedAdoption",
}
# A child has a row in these tables when the field that only that table holds is filled in.
XML_CHILD_TABLES = {"DUC": "UASC", "IN_TOUCH": "OC3", "DATE_INT": "AD1"}


def _leaves(element: ET.Element) -> dict[str, str | None]:
    values = {}
    for node in element.iter():
        if len(node) == 0 and node is not element:
            text = (node.text or "").strip()
            values[XML_NAMES.get(node.tag, node.tag)] = text or None
    return values


def read_xml(path: Path) -> dict[str, pd.DataFrame]:
    """The DfE XML (root EXPSSDA903, a CHILD per child: HEADER with the child's fields and nested rows,
    then an EPISODE per episode) as one text frame per table, in the DfE's columns."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise NotA903Table(f"{path}: not readable XML ({error})") from error
    if root.tag != "EXPSSDA903":
        raise NotA903Table(f"{path}: the root element is {root.tag}, not EXPSSDA903 (the DfE's SSDA903 XML)")
    rows: dict[str, list[dict]] = {t.dfe_name: [] for t in TABLES}
    for child in root.iter("CHILD"):
        header = child.find("HEADER")
        own = _leaves(header) if header is not None else {}
        identity = {"CHILD": own.get("CHILD"), "DOB": own.get("DOB")}
        rows["Header"].append(own)
        for field, table in XML_CHILD_TABLES.items():
            if own.get(field):
                rows[table].append(own)
        for element in header if header is not None else ():
            if element.tag in XML_ROWS:
                rows[XML_ROWS[element.tag]].append({**identity, **_leaves(element)})
        for episode in child.findall("EPISODE"):
            rows["Episodes"].append({**identity, **_leaves(episode)})
    return {
        name: pd.DataFrame(
            [[row.get(c) for c in BY_DFE_NAME[name].columns] for row in found], columns=list(BY_DFE_NAME[name].columns)
        )
        for name, found in rows.items()
        if found
    }
