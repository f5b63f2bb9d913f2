"""The 903 codes the simulator writes: columns, code-change dates, weights and budget lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..common import days

EPISODE_COLUMNS = [
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
]

P2_H5_LAST = days(date(2023, 10, 28))  # H5/P2 episodes must end by this day
K3_FROM = days(date(2024, 4, 1))
Z1_LAST = days(date(2025, 4, 1))  # Z1 replaced by Z11-Z14 from 1 April 2025

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
TEMP_MAX_DAYS = {"T0": 10, "T1": 42, "T2": 14, "T3": 21, "T4": 7}
TEMP_SHARE = {"T3": 35, "T4": 30, "T1": 15, "T2": 10, "T0": 10}
MOVE_REASONS = {
    "CARPL": 30,
    "CREQB": 14,
    "CREQO": 12,
    "CHILD": 10,
    "LAREQ": 8,
    "ALLEG": 4,
    "STAND": 4,
    "CLOSE": 4,
    "APPRR": 3,
    "OTHER": 11,
}
NEED = {"N1": 62, "N5": 17, "N4": 11, "N6": 4, "N3": 3, "N8": 2, "N2": 1.5}

# Budget line of a placement kind (DOMAIN.md 4.7 applied to what the kind records in 903).
KIND_LINE = {
    "FOSTER_INHOUSE": "INHOUSE_FOSTERING",
    "KINSHIP": "KINSHIP",
    "FFA": "CONCURRENT_ADOPTION",
    "FOSTER_IFA": "IFA",
    "RES_EXT": "RES_HOME",
    "RES_INHOUSE": "INHOUSE_RES",
    "RES_DIS": "RES_DISABILITY",
    "SUPPORTED": "SUPPORTED_ACCOM",
    "SIXTEEN_PLUS": "SIXTEEN_PLUS",
    "SCHOOL": "RES_SCHOOL",
    "SECURE": "RES_SECURE",
    "ADOPT": "ADOPTION_SGO",
    "SHORT_BREAK": "INHOUSE_RES",
    "MBU": "",
    "PARENTS": "",
    "YOI": "",
    "NHS": "",
}


# 903 PLACE of a kind whose code does not depend on the date or a draw (see CareSimulator.placement).
PLACE_OF_KIND = {
    "FOSTER_INHOUSE": "U6",
    "FOSTER_IFA": "U6",
    "KINSHIP": "U3",
    "FFA": "U5",
    "RES_EXT": "K2",
    "RES_INHOUSE": "K2",
    "RES_DIS": "K2",
    "SCHOOL": "S1",
    "SECURE": "K1",
    "PARENTS": "P1",
    "MBU": "R3",
    "YOI": "R5",
    "NHS": "R2",
    "SHORT_BREAK": "R1",
}
FOSTER_PLACES = ("U1", "U3", "U4", "U6")
ADOPTIVE_PLACES = ("A3", "A4", "A5", "A6")


@dataclass
class Placement:
    kind: str
    place: str
    pr: str
    urn: str
    pl_post: str
    provider_id: str
    key: int = 0


def budget_line(place: str, pr: str, cin: str) -> str:
    """DOMAIN.md 4.7, first matching row (T0-T4 are handled by the caller)."""
    if place in ("U2", "U5"):
        return "CONCURRENT_ADOPTION"
    if place in ("U1", "U3"):
        return "KINSHIP"
    if place in ("U4", "U6"):
        return "INHOUSE_FOSTERING" if pr == "PR1" else "IFA"
    if place == "K1":
        return "RES_SECURE"
    if place in ("R1", "R2", "K2") and cin == "N2" and pr != "PR1":
        return "RES_DISABILITY"
    if place == "K2" and pr == "PR1":
        return "INHOUSE_RES"
    if place in ("K2", "R1"):
        return "RES_HOME"
    if place == "S1":
        return "RES_SCHOOL"
    if place in ("K3", "H5"):
        return "SUPPORTED_ACCOM"
    if place == "P2":
        return "SIXTEEN_PLUS"
    if place in ("A3", "A4", "A5", "A6"):
        return "ADOPTION_SGO"
    if place in ("P1", "P3", "R2", "R5"):
        return "NO_BUDGET_LINE"
    return "OTHER"
