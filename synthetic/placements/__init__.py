"""Looked-after children: one true care history per child, and the 903 tables cut from it each night.

codes      the 903 code tables, weights and budget lines
routes     one function per care route (adoption, SGO, home, long term, remand, UASC, other)
simulator  the period loop: a route, a placement timeline, then episodes
episodes   a period's timelines cut into episode rows
history    the county: entrants, short breaks, the 10-year window
extras     reviews, missing episodes and motherhood derived from the episodes
snapshot   the nightly tables as at an extract date
"""

from __future__ import annotations

from .codes import EPISODE_COLUMNS, K3_FROM, KIND_LINE, P2_H5_LAST, TEMPORARY, Z1_LAST, Placement, budget_line
from .history import simulate
from .simulator import CareSimulator
from .snapshot import snapshot

__all__ = [
    "EPISODE_COLUMNS",
    "K3_FROM",
    "KIND_LINE",
    "P2_H5_LAST",
    "TEMPORARY",
    "Z1_LAST",
    "CareSimulator",
    "Placement",
    "budget_line",
    "simulate",
    "snapshot",
]
