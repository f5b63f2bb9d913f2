"""Care routes: how a period of care starts legally, how long it lasts and how it ends.

Each route is one small function drawing the period's legal-status changes, its end and its reason
for ending; ROUTES maps the route's name to it. The draws of every route are made in a fixed order,
so the same seed gives the same history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..common import pick
from .codes import ADOPTIVE_PLACES, FOSTER_PLACES


@dataclass
class PeriodPlan:
    """What a route decides before any placement is drawn."""

    legal: list[tuple[int, str]]  # (date, LS) changes
    end: int
    rec: str | None  # None: decided at 18 from the last placement
    adopt_at: int | None = None  # date of the adoptive placement
    ffa: bool = False  # fostering for adoption: the carers become the adopters
    p1_from: int | None = None  # date of a placement with parents before the period ends
    sgo_kin: bool = False  # special guardianship to the kinship carers placed with from the start


def adoption(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    ls0 = pick(rng, {"C1": 60, "V2": 30, "L2": 6})
    legal = [(s, ls0)]
    t = s
    if ls0 == "L2":
        t = s + int(rng.integers(3, 9))
        legal.append((t, "C1"))
    elif ls0 == "V2":
        t = s + int(rng.integers(20, 120))
        legal.append((t, "C1"))
    t2 = t + int(rng.integers(120, 300))
    if rng.random() < 0.5:
        legal.append((t2, "C2"))
        t2 += int(rng.integers(1, 90))
    legal.append((t2, "E1"))
    ffa = rng.random() < 0.2
    adopt_at = t2 + int(rng.integers(40, 300))
    end = adopt_at + int(rng.integers(120, 400))
    rec = "E11" if rng.random() < 0.4 else "E12"
    return PeriodPlan(legal, end, rec, adopt_at=adopt_at, ffa=ffa)


def sgo(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    ls0 = pick(rng, {"C1": 70, "V2": 30})
    legal = [(s, ls0)]
    end = s + int(rng.integers(180, 800))
    if ls0 == "C1" and end - s > 330 and rng.random() < 0.5:
        legal.append((s + int(rng.integers(180, 300)), "C2"))
    rec = pick(rng, {"E45": 50, "E47": 30, "E46": 15, "E48": 5})
    return PeriodPlan(legal, end, rec, sgo_kin=rec == "E45")


def home(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    if rng.random() < 0.6:
        end = s + int(np.clip(rng.lognormal(np.log(110), 1.1), 2, 1500))
        return PeriodPlan([(s, "V2")], end, "E4A" if rng.random() < 0.8 else "E4B")
    legal = [(s, pick(rng, {"C1": 95, "L2": 5}))]
    if legal[0][1] == "L2":
        legal.append((s + int(rng.integers(3, 9)), "C1"))
    end = s + int(rng.integers(200, 1100))
    if end - s > 250:
        legal.append((s + int(rng.integers(150, 250)), "C2"))
    p1_from = end - int(rng.integers(60, 365)) if rng.random() < 0.55 else None
    rec = "E4A" if rng.random() < 0.92 else "E4B"
    return PeriodPlan(legal, end, rec, p1_from=p1_from)


def long_term(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    if rng.random() >= 0.75:
        return PeriodPlan([(s, "V2")], b18, None)
    legal = [(s, "C1"), (s + int(rng.integers(150, 320)), "C2")]
    p1_from = s + int(rng.integers(200, 1500)) if rng.random() < 0.22 else None
    return PeriodPlan(legal, b18, None, p1_from=p1_from)


def remand(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    end = s + int(rng.integers(5, 150))
    return PeriodPlan([(s, "J1")], end, "E14" if rng.random() < 0.7 else "E9")


def uasc(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    r = rng.random()
    if r < 0.06:
        return PeriodPlan([(s, "V2")], s + int(rng.integers(20, 200)), "E15")
    if r < 0.10:
        return PeriodPlan([(s, "V2")], s + int(rng.integers(60, 500)), "E8")
    return PeriodPlan([(s, "V2")], b18, None)


def other(rng: np.random.Generator, s: int, b18: int) -> PeriodPlan:
    legal = [(s, pick(rng, {"V2": 60, "C1": 40}))]
    end = s + int(rng.integers(30, 900))
    if legal[0][1] == "C1" and end - s > 300:
        legal.append((s + int(rng.integers(150, 300)), "C2"))
    rec = pick(rng, {"E13": 40, "E41": 25, "E8": 17, "E3": 13, "E16": 4, "E2": 1})
    return PeriodPlan(legal, end, rec)


ROUTES: dict[str, Callable[[np.random.Generator, int, int], PeriodPlan]] = {
    "adoption": adoption,
    "sgo": sgo,
    "home": home,
    "long": long_term,
    "remand": remand,
    "uasc": uasc,
    "other": other,
}

# Weights of the routes by age at entry (below the bound). The order inside each table is part of the
# random stream (pick draws by position), so it is kept as it was even where it looks arbitrary.
ROUTE_WEIGHTS: list[tuple[int, dict[str, float]]] = [
    (4, {"adoption": 30, "sgo": 22, "home": 34, "long": 9, "other": 5}),
    (5, {"sgo": 25, "home": 48, "long": 18, "other": 9}),
    (11, {"home": 52, "sgo": 12, "long": 24, "other": 12}),
    (16, {"home": 56, "long": 28, "other": 16}),
    (99, {"home": 38, "long": 52, "other": 10}),
]


def choose_route(rng: np.random.Generator, age: int, uasc: bool, sex: int) -> str:
    if uasc:
        return "uasc"
    if age >= 12 and rng.random() < (0.05 if sex == 1 else 0.015):
        return "remand"
    weights = next(w for bound, w in ROUTE_WEIGHTS if age < bound)
    return pick(rng, weights)


def plan_period(rng: np.random.Generator, route: str, s: int, b18: int) -> PeriodPlan:
    """The route's plan, cut at the 18th birthday and to legal changes inside the period."""
    plan = ROUTES[route](rng, s, b18)
    if plan.end >= b18:
        plan.end, plan.rec = b18, ("E14" if route == "remand" else None)
    plan.end = max(plan.end, s + 1)
    plan.legal = [(d, ls) for d, ls in plan.legal if s <= d < plan.end]
    return plan


def final_rec(
    rng: np.random.Generator, rec: str | None, route: str, last_place: str, disabled: bool, age_end: int
) -> str:
    """REC once the last placement is known: leaving at 18 depends on it, and codes must fit it and the age."""
    if rec is None:  # leaving care at 18
        if last_place in FOSTER_PLACES and rng.random() < 0.45:
            rec = "E17"
        elif disabled and rng.random() < 0.35:
            rec = "E7"
        elif last_place == "P1":
            rec = "E4A"
        else:
            rec = "E5" if rng.random() < 0.65 else "E6"
    if route == "sgo" and rec in ("E45", "E46") and last_place not in FOSTER_PLACES:
        rec = "E47" if rec == "E45" else "E48"
    if rec == "E46" and last_place in ("U1", "U3"):
        rec = "E45"
    if rec in ("E11", "E12") and last_place not in ADOPTIVE_PLACES:
        rec = "E41"
    if rec in ("E5", "E6") and age_end < 14:
        rec = "E8"
    if rec == "E7" and age_end < 16:
        rec = "E8"
    if rec == "E17" and age_end < 18:
        rec = "E5"
    return rec
