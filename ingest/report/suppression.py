"""Statistical disclosure control for published outputs (MEASURES.md "Suppression", DOMAIN.md 4.11).

Internal marts keep true values. Everything published (the committee report, the CSV files for
publication) goes through here: a count of 1 to 5 is replaced by [c], so is every value derived
from one, zero stays zero, and where a group of cells adds up to a published total and exactly one
of them is suppressed, the next smallest is suppressed too so the first cannot be recovered by
subtraction.
"""

from __future__ import annotations

import math

import pandas as pd

SUPPRESSED = "[c]"  # DfE: confidential
NOT_APPLICABLE = "[z]"  # DfE: not applicable (no target, say)
NOT_AVAILABLE = "[x]"  # DfE: not available
SMALLEST, LARGEST = 1, 5


def is_small(count) -> bool:
    """A count of people that would identify someone if published: 1 to 5."""
    if count is None or (isinstance(count, float) and math.isnan(count)) or pd.isna(count):
        return False
    return SMALLEST <= float(count) <= LARGEST


def any_small(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Rows where any of `columns` holds a count of 1 to 5."""
    flags = pd.Series(False, index=frame.index)
    for column in columns:
        flags |= frame[column].map(is_small)
    return flags


def with_secondary(frame: pd.DataFrame, primary: pd.Series, groups: list[str], size: str) -> pd.Series:
    """Primary flags plus, in each group with exactly one suppressed row, its smallest non-zero sibling.

    `groups` names the columns whose rows add up to a published total; `size` orders the siblings.
    """
    flags = primary.copy()
    for _, members in frame.groupby(groups, dropna=False, sort=False):
        if flags.loc[members.index].sum() != 1:
            continue
        siblings = members.loc[~flags.loc[members.index] & (members[size].fillna(0) > 0)]
        if not siblings.empty:
            flags.loc[siblings[size].astype(float).idxmin()] = True
    return flags


def publish_cells(frame: pd.DataFrame, flags: pd.Series, columns: list[str]) -> pd.DataFrame:
    """A copy with `columns` replaced by [c] on flagged rows (as text)."""
    published = frame.copy()
    for column in columns:
        published[column] = published[column].astype(object)
        published.loc[flags, column] = SUPPRESSED
    return published
