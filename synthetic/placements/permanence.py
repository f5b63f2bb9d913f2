"""Adoption (AD1, PlacedAdoption) and previous permanence (PrevPerm), derived from the true episodes.

The decision that a child should be placed for adoption comes before the placement order (LS E1) and the
match before the adoptive placement (A3-A6), so the dates line up with the episodes the way rules 331, 333,
334, 521, 523, 552 and 554 read them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import birthday, pick, to_date
from .codes import ADOPTIVE_PLACES

AD1_COLUMNS = ["CHILD", "DATE_INT", "DOB", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
PLACED_COLUMNS = ["CHILD", "DATE_PLACED", "DOB", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]
PREV_PERM_COLUMNS = ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"]

# Couples: legal status with the sexes it allows (rules 511, 514, 517-520, 524).
COUPLES = {"L11": (65, ("MF",)), "L3": (15, ("MF",)), "L12": (8, ("MM", "FF")), "L2": (7, ("MM", "FF"))}
COUPLES["L4"] = (5, ("MM", "FF"))
PREVIOUS_ORDER = {"P1": 2, "P2": 4, "P3": 2}  # adoption, special guardianship, child arrangements
# Councils that made an earlier order: mostly this one, else a neighbour (DfE numbers, rule 633).
ORDER_LA = {"873": 60, "874": 8, "881": 8, "882": 6, "935": 6, "823": 6, "826": 6}


def adoptions(rng: np.random.Generator, ep: pd.DataFrame, dob: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(PlacedAdoption, AD1): a decision for every period with a placement order, an AD1 for each adoption."""
    placed, ad1 = [], []
    for _, e in ep[ep["LS"] == "E1"].groupby("period"):
        period = ep[ep["period"] == e["period"].iat[0]].sort_values("DECOM")
        child, begun, order = period["CHILD"].iat[0], int(period["DECOM"].min()), int(e["DECOM"].min())
        decided = order - int(rng.integers(0, min(120, order - begun) + 1))
        placed.append([child, decided, dob[child], np.nan, ""])
        last = period.iloc[-1]
        if last["REC"] not in ("E11", "E12"):
            continue
        adoptive = int(period.loc[period["PLACE"].isin(ADOPTIVE_PLACES), "DECOM"].min())
        matched = max(decided, adoptive - int(rng.integers(7, 61)))
        ad1.append([child, decided, dob[child], matched, *_adopters(rng, last["PLACE"])])
    return pd.DataFrame(placed, columns=PLACED_COLUMNS), pd.DataFrame(ad1, columns=AD1_COLUMNS)


def _adopters(rng: np.random.Generator, place: str) -> list[str]:
    # Foster carers who adopt are the A3/A5 placements (rule 335).
    foster_care = "1" if place in ("A3", "A5") else "0"
    if rng.random() < 0.18:
        return [foster_care, "1", "F1" if rng.random() < 0.85 else "M1", "L0"]
    status = pick(rng, {k: w for k, (w, _) in COUPLES.items()})
    sexes = COUPLES[status][1]
    return [foster_care, "2", sexes[int(rng.integers(0, len(sexes)))], status]


def previous_permanence(rng: np.random.Generator, ep: pd.DataFrame, dob: dict) -> pd.DataFrame:
    """One row per child: a permanence order before the child first came into care, mostly none (Z1)."""
    first = ep.groupby("CHILD")["DECOM"].min()
    rows = []
    for child, decom in first.items():
        born = int(dob[child])
        code = pick(rng, {"Z1": 92, **PREVIOUS_ORDER})
        latest = int(decom) - 60  # the order's month ends before care begins (rule 632)
        if code == "Z1" or latest - birthday(born, 1) < 30:
            rows.append([child, born, "Z1", "", ""])
            continue
        made = to_date(int(rng.integers(birthday(born, 1), latest)))
        # Councils often know only the month of an old order: the DfE takes ZZ for the day.
        day = "ZZ" if rng.random() < 0.15 else f"{made.day:02d}"
        rows.append([child, born, code, pick(rng, ORDER_LA), f"{day}/{made.month:02d}/{made.year}"])
    return pd.DataFrame(rows, columns=PREV_PERM_COLUMNS)
