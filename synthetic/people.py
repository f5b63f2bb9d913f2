"""Attributes shared by every child in the synthetic county: IDs, sex, birth dates, ethnicity, UPN."""

from __future__ import annotations

import numpy as np

from .common import pick

# An English shire county is more mixed than the Welsh profile in DOMAIN.md 5.
ETHNICITY = {
    "WBRI": 74.0,
    "WIRI": 0.6,
    "WIRT": 0.4,
    "WOTH": 6.0,
    "WROM": 0.8,
    "MWBC": 2.4,
    "MWBA": 1.2,
    "MWAS": 2.0,
    "MOTH": 2.6,
    "AIND": 1.2,
    "APKN": 1.0,
    "ABAN": 0.6,
    "AOTH": 1.2,
    "BCRB": 0.6,
    "BAFR": 1.8,
    "BOTH": 0.5,
    "CHNE": 0.4,
    "OOTH": 1.5,
    "REFU": 0.3,
    "NOBT": 0.5,
}
# Unaccompanied children in England mostly come from Afghanistan, Eritrea, Sudan, Albania, Vietnam...
ETHNICITY_UASC = {"AOTH": 35, "BAFR": 30, "OOTH": 15, "WOTH": 12, "BOTH": 5, "CHNE": 3}

_UPN_FIRST = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
# The county and its neighbours (DfE LA numbers): characters 2-4 of a UPN.
_UPN_LA = np.array(["873", "874", "881", "882", "855", "935"])


def no_leap_day(dob: np.ndarray) -> np.ndarray:
    """Move 29 February births to the 28th so that every birthday exists every year."""
    d = np.asarray(dob, dtype="int64")
    dt = d.astype("datetime64[D]")
    month_start = dt.astype("datetime64[M]")
    is_leap_day = ((month_start.astype(int) % 12) == 1) & ((dt - month_start).astype(int) == 28)
    return np.where(is_leap_day, d - 1, d)


def ethnicities(rng: np.random.Generator, uasc: np.ndarray) -> np.ndarray:
    out = pick(rng, ETHNICITY, size=len(uasc))
    n_u = int(np.sum(uasc))
    if n_u:
        out[np.asarray(uasc, bool)] = pick(rng, ETHNICITY_UASC, size=n_u)
    return out


def upns(rng: np.random.Generator, n: int) -> np.ndarray:
    """UPNs as the DfE's UPN guide makes them: a check letter, an LA code, the year and a serial number.

    Characters 2-4 are one of a few English LA codes (the child's first school may be in a neighbouring
    county) and the check letter is computed (CIN census rules 1510 and 1530 check both). A minority are
    temporary UPNs, ending in a letter. The draws are those of the earlier, uncomputed version.
    """
    first = rng.choice(_UPN_FIRST, size=n)
    digits = rng.integers(0, 10**12, size=n, dtype="int64")
    la = _UPN_LA[digits // 10**9 % len(_UPN_LA)]
    body = np.char.add(la, np.char.zfill((digits % 10**9).astype(str), 9))
    digit = body.astype("S12").view("S1").reshape(n, 12).astype(int)
    weights = digit @ np.arange(2, 14)
    upn = np.char.add(_UPN_FIRST[weights % 23], body)
    # A minority of real UPNs are temporary ones ending in a letter.
    temp = rng.random(n) < 0.05
    letters = rng.choice(_UPN_FIRST, size=n)
    upn[temp] = np.char.add(np.char.add(first[temp], body[temp]).astype("U12"), letters[temp])
    return upn.astype(object)
