"""Ofsted's Annex A values for the columns its template gives a lettered list, from the DfE codes the warehouse holds.

The lettered values ("a) Male", "k) APKN", "d) Family in acute stress") are the Annex A template's drop-down
lists; liia-tools-pipeline's Annex A schema records the same letters. A code with no Annex A value is written
as held, so nothing is lost; a blank stays blank. Columns the template leaves free (referral source, legal
status, placement type and the other SSDA903 codes) are written as the DfE codes the warehouse holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def _lettered(codes: Sequence[str], labels: Sequence[str] | None = None) -> dict[str, str]:
    labels = labels or codes
    return {code: f"{chr(ord('a') + i)}) {label}" for i, (code, label) in enumerate(zip(codes, labels, strict=True))}


GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}

# The DfE ethnicity codes in the census order, lettered as the template lists them (REFU before NOBT).
ETHNICITY = _lettered(
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT".split()
)

# CIN primary need (N1-N9; N0 not stated) and the SSDA903 category of need use the same list.
NEED = _lettered(
    [f"N{i}" for i in range(1, 10)] + ["N0"],
    [
        "Abuse or neglect",
        "Child's disability",
        "Parents illness or disability",
        "Family in acute stress",
        "Family dysfunction",
        "Socially unacceptable behaviour",
        "Low income",
        "Absent parenting",
        "Not CIN",
        "Not stated",
    ],
)

CIN_CLOSURE = _lettered(
    [f"RC{i}" for i in range(1, 10)],
    [
        "Adopted",
        "Died",
        "Residence Order",
        "Special Guardianship Order",
        "Transfer to another LA",
        "Transfer to Adult Social Services",
        "'Other' incl. Child no longer in need",
        "Child not in need after assessment",
        "Not Stated",
    ],
)

CP_CATEGORY = _lettered(
    ["NEG", "PHY", "SAB", "EMO", "MUL"], ["Neglect", "Physical Abuse", "Sexual Abuse", "Emotional Abuse", "Multiple"]
)

# OC3 ACCOM: the letter is the type of accommodation, the digit its suitability (1 suitable, 2 not).
ACCOMMODATION_SUITABILITY = {"1": "a) Suitable", "2": "b) Not suitable"}


def yes_no(value: object) -> str | None:
    """True/False as the template's Yes/No; unknown (null) as Unknown, its third value."""
    return "Unknown" if value is None else "Yes" if value else "No"


def coder(mapping: dict[str, str]) -> Callable[[object], object]:
    return lambda value: None if value is None else mapping.get(str(value), value)


# OC3 ACCOM's letter, in the order of the template's list (Y, other, last).
ACCOMMODATION_TYPE = _lettered(
    list("BCDEGHKRSTUVWXZY"),
    [
        "With parents or relatives",
        "Community home",
        "Semi-independent transitional accommodation",
        "Supported lodgings",
        "Gone abroad",
        "Deported",
        "Ordinary lodgings",
        "Residence not known",
        "No fixed abode / homeless",
        "Foyers",
        "Independent living",
        "Emergency accommodation",
        "Bed and breakfast",
        "In custody",
        "With Former Foster Carer",
        "Other accommodation",
    ],
)
