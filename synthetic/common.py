"""Shared helpers for the synthetic generator.

Dates are held internally as integer days since 1970-01-01 ("epoch days"): cheap to add, compare and
vectorise. Null dates are NaN in float arrays. Everything is formatted to YYYY-MM-DD only at write time.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def days(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


def to_date(d: int) -> date:
    return date.fromordinal(int(d) + EPOCH_ORDINAL)


def add_years(d: date, n: int) -> date:
    # DOBs never fall on 29 February (people.py moves them), so this cannot fail for birthdays.
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def birthday(dob: int, n: int) -> int:
    """Epoch day of the n-th birthday."""
    return days(add_years(to_date(dob), n))


def age_on(dob: int, d: int) -> int:
    b, x = to_date(dob), to_date(d)
    return x.year - b.year - ((x.month, x.day) < (b.month, b.day))


def ages_on(dob: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Vectorised whole-years age."""
    b = np.asarray(dob, dtype="int64").astype("datetime64[D]")
    x = np.asarray(d, dtype="int64").astype("datetime64[D]")
    by, bm, bd = _ymd(b)
    xy, xm, xd = _ymd(x)
    return xy - by - ((xm < bm) | ((xm == bm) & (xd < bd))).astype(int)


def _ymd(a: np.ndarray):
    y = a.astype("datetime64[Y]").astype(int) + 1970
    m = a.astype("datetime64[M]").astype(int) % 12 + 1
    d = (a - a.astype("datetime64[M]")).astype(int) + 1
    return y, m, d


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def fmt_dates(values) -> pd.Series:
    """Epoch days (NaN = null) to 'YYYY-MM-DD' strings, '' for null."""
    a = np.asarray(values, dtype="float64")
    out = np.full(a.shape, "", dtype=object)
    ok = ~np.isnan(a)
    out[ok] = a[ok].astype("int64").astype("datetime64[D]").astype(str)
    return pd.Series(out)


def make_ids(rng: np.random.Generator, n: int, prefix: str, exclude: set[str] | None = None) -> np.ndarray:
    """n distinct pseudonymous IDs like 'C12345678' (9 characters), random so they carry no order."""
    exclude = exclude or set()
    picked = rng.choice(90_000_000, size=n + len(exclude) + 16, replace=False) + 10_000_000
    ids = np.char.add(prefix, picked.astype(str))
    if exclude:
        ids = ids[~np.isin(ids, list(exclude))]
    return ids[:n].astype(object)


def pick(rng: np.random.Generator, table: dict, size=None):
    """Draw keys of a {value: weight} table."""
    keys = list(table)
    w = np.asarray(list(table.values()), dtype=float)
    return rng.choice(np.array(keys, dtype=object), size=size, p=w / w.sum())


def sub_rng(seed: int, name: str) -> np.random.Generator:
    # One stream per module, so changing one simulation does not reshuffle the others.
    return np.random.default_rng([seed, sum((i + 1) * ord(c) for i, c in enumerate(name))])


def week_endings(start: int, end: int) -> np.ndarray:
    """Sundays from the first on/after start to the last on/before end (epoch day 3 was a Sunday)."""
    first = start + ((3 - start) % 7)
    return np.arange(first, end + 1, 7)


def iso(d: date) -> str:
    return d.isoformat()


__all__ = [
    "EPOCH_ORDINAL",
    "add_months",
    "add_years",
    "age_on",
    "ages_on",
    "birthday",
    "days",
    "fmt_dates",
    "iso",
    "make_ids",
    "pick",
    "sub_rng",
    "timedelta",
    "to_date",
    "week_endings",
]
