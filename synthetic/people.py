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
    """UPN-shaped strings (rule 168 format); the check letter is not computed, as the brief allows."""
    first = rng.choice(_UPN_FIRST, size=n)
    digits = rng.integers(0, 10**12, size=n, dtype="int64")
    body = np.char.zfill(digits.astype(str), 12)
    upn = np.char.add(first, body)
    # A minority of real UPNs are temporary ones ending in a letter.
    temp = rng.random(n) < 0.05
    letters = rng.choice(_UPN_FIRST, size=n)
    upn[temp] = np.char.add(
        np.char.add(first[temp], np.char.zfill(digits[temp].astype(str), 12)).astype("U12"), letters[temp]
    )
    return upn.astype(object)
