"""A period's legal and placement timelines turned into 903 episode rows.

No function here chooses a route or a carer: they cut the period where the legal status or the
placement changes, add short temporary absences inside long episodes and give each row its REC and
reason for change.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..common import pick
from .codes import MOVE_REASONS, TEMP_MAX_DAYS, TEMP_SHARE, TEMPORARY, Placement

# (DECOM, DEC, RNE, LS, placement)
Episode = list
# Places a temporary absence can interrupt; T3 (holiday with carers) only from a foster placement.
_TEMP_FROM = ("U1", "U3", "U4", "U5", "U6", "K2", "S1")
_T3_FROM = ("U1", "U3", "U4", "U5", "U6")


def merge(legal: list[tuple[int, str]], timeline: list[tuple[int, tuple[Placement, bool]]], end: int) -> list[Episode]:
    """One episode per run of unchanged legal status and placement, with the RNE of what changed."""
    legal_at = dict(legal)
    place_at = dict(timeline)
    cuts = sorted(set(legal_at) | set(place_at))
    episodes = []
    ls, pl = None, None
    for i, d in enumerate(cuts):
        e = cuts[i + 1] if i + 1 < len(cuts) else end
        lchg, pchg = d in legal_at, d in place_at
        if lchg:
            ls = legal_at[d]
        same = False
        if pchg:
            pl, same = place_at[d]
        if i == 0:
            rne = "S"
        elif lchg and pchg:
            rne = "U" if same else "B"
        elif pchg:
            rne = "T" if same else "P"
        else:
            rne = "L"
        episodes.append([d, e, rne, ls, pl])
    return episodes


def _temporary(
    rng: np.random.Generator, postcode: Callable[[float], str], pl: Placement, d: int, e: int, home: str
) -> tuple[int, int, Placement] | None:
    """A temporary absence (start, length, placement) inside [d, e), or None when it does not fit."""
    kind = pick(rng, TEMP_SHARE)
    if kind == "T3" and pl.place not in _T3_FROM:
        kind = "T4"
    length = int(rng.integers(1, TEMP_MAX_DAYS[kind] + 1))
    if e - d - length - 20 <= 0:
        return None
    ts = d + int(rng.integers(10, e - d - length - 10))
    tpl = Placement(pl.kind, kind, "", "", pl.pl_post if rng.random() < 0.2 else "", pl.provider_id, pl.key)
    if not tpl.pl_post:
        tpl.pl_post = postcode(0.7)
        while tpl.pl_post == home:
            tpl.pl_post = postcode(0.7)
    return ts, length, tpl


def with_temporaries(
    rng: np.random.Generator, postcode: Callable[[float], str], episodes: list[Episode], uasc: bool, home: str
) -> list[Episode]:
    """Temporary absences inside long episodes (never the first or last episode of the period)."""
    out = []
    for d, e, rne, ls, pl in episodes:
        temp_ok = pl.place in _TEMP_FROM and not uasc and e - d > 40
        if temp_ok and rng.random() < min(0.9, 0.25 * (e - d) / 365.0):
            temp = _temporary(rng, postcode, pl, d, e, home)
            if temp is not None:
                ts, length, tpl = temp
                out.append([d, ts, rne, ls, pl])
                out.append([ts, ts + length, "P", ls, tpl])
                out.append([ts + length, e, "P", ls, pl])
                continue
        out.append([d, e, rne, ls, pl])
    return out


def rows(rng: np.random.Generator, child: str, episodes: list[Episode], rec: str, cin: str, home: str) -> list[list]:
    """Episode rows with the internal columns (placement_key, provider_id, kind) after the 903 ones."""
    out = []
    n = len(episodes)
    for j, (d, e, rne, ls, pl) in enumerate(episodes):
        last = j == n - 1
        nxt = episodes[j + 1] if not last else None
        r = rec if last else "X1"
        reason = ""
        if not last and pl.place not in TEMPORARY and nxt[4].place not in TEMPORARY and nxt[2] in "PBTU":
            if nxt[2] in "TU":
                reason = "PLACE" if nxt[4].place in ("Z1", "K3") else "CARPL"
            else:
                reason = pick(rng, MOVE_REASONS)
        out.append(
            [child, d, rne, ls, cin, pl.place, pl.pr, e, r, reason, home, pl.pl_post, pl.urn]
            + [pl.key, pl.provider_id, pl.kind]
        )
    return out
