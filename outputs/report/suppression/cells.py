"""The DfE symbols and primary suppression: a count of 1 to 5, and anything derived from one, is [c]."""

from __future__ import annotations

import math

import pandas as pd

SUPPRESSED = "[c]"  # DfE: confidential
NOT_APPLICABLE = "[z]"  # DfE: not applicable (no target, say)
NOT_AVAILABLE = "[x]"  # DfE: not available
SMALLEST, LARGEST = 1, 5


class DisclosureError(RuntimeError):
    """A published table cannot be protected by withholding more of its own cells."""


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


def publish_cells(frame: pd.DataFrame, flags: pd.Series, columns: list[str]) -> pd.DataFrame:
    """A copy with `columns` replaced by [c] on flagged rows (as text)."""
    published = frame.copy()
    for column in columns:
        published[column] = published[column].astype(object)
        published.loc[flags, column] = SUPPRESSED
    return published
