"""The period loop: one child's periods of care, each a route, a placement timeline and its episodes.

The simulation runs per child because the SSDA903 structure rules (contiguity, temporaries and
returns, RNE/REC, age and date limits on PLACE) are far easier to honour by construction than to
repair afterwards. Every draw comes from the one generator in a fixed order: reordering the steps
below changes every later child.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common import age_on, birthday, pick
from ..postcodes import PostcodePool
from ..providers import Registry
from . import episodes
from .codes import K3_FROM, NEED, P2_H5_LAST, PLACE_OF_KIND, Placement
from .routes import PeriodPlan, choose_route, final_rec, plan_period

Timeline = list[tuple[int, Placement, bool]]  # (date, placement, same carer as before)


@dataclass
class Child:
    id: str
    dob: int
    sex: int
    uasc: bool
    disabled: bool


class CareSimulator:
    def __init__(self, rng: np.random.Generator, pool: PostcodePool, registry: Registry, horizon: int):
        self.rng = rng
        self.pool = pool
        self.reg = registry
        self.horizon = horizon  # end_date: nothing starts after it
        self.next_key = 1
        self.rows: list[list] = []
        self.periods: list[tuple] = []  # child, start, end, rec, route

    # ---------------------------------------------------------------- placements
    def _postcode(self, inside_share: float) -> str:
        if self.rng.random() < inside_share:
            return self.pool.inside["postcode"].iat[self.pool.draw_inside(self.rng)]
        return self.pool.outside["postcode"].iat[self.pool.draw_outside(self.rng)]

    def placement(self, kind: str, d: int, age: int, home: str, uasc: bool) -> Placement:
        rng = self.rng
        prov = self.reg.draw(rng, kind)
        if prov.postcode is not None:
            pl_post = prov.postcode
        elif kind == "PARENTS":
            pl_post = home if (home and rng.random() < 0.7) else self._postcode(1.0)
        else:
            pl_post = self._postcode(prov.inside)
        # HOME_POST may equal PL_POST only for P1 (rule 392d); redraw a carer's address that collides.
        while kind != "PARENTS" and pl_post == home and prov.postcode is None:
            pl_post = self._postcode(prov.inside)
        place = PLACE_OF_KIND.get(kind)
        if kind == "SUPPORTED":
            place = "H5" if d < P2_H5_LAST else "K3"
        elif kind == "SIXTEEN_PLUS":
            place = "P2"
        elif kind == "ADOPT":
            place = "A6" if rng.random() < 0.85 else "A4"
        return Placement(kind, place, prov.pr, prov.urn, pl_post, prov.provider_id)

    def choose_kind(self, age: int, d: int, disabled: bool, uasc: bool) -> str:
        rng = self.rng
        supported_ok = d < P2_H5_LAST - 60 or d >= K3_FROM
        if uasc:
            if age >= 16:
                t = {"SUPPORTED": 55 if supported_ok else 0, "FOSTER_IFA": 35, "RES_EXT": 10}
            else:
                t = {"FOSTER_IFA": 70, "FOSTER_INHOUSE": 15, "RES_EXT": 15}
            return pick(rng, t)
        if age < 1:
            t = {"FOSTER_INHOUSE": 30, "FOSTER_IFA": 42, "KINSHIP": 12, "MBU": 4}
        elif age < 5:
            t = {"FOSTER_INHOUSE": 30, "FOSTER_IFA": 50, "KINSHIP": 14}
        elif age < 12:
            t = {"FOSTER_INHOUSE": 28, "FOSTER_IFA": 55, "KINSHIP": 12}
        elif age < 16:
            t = {"FOSTER_INHOUSE": 22, "FOSTER_IFA": 50, "KINSHIP": 6, "RES_EXT": 14, "RES_INHOUSE": 4, "SECURE": 0.4}
        else:
            t = {
                "FOSTER_INHOUSE": 14,
                "FOSTER_IFA": 36,
                "KINSHIP": 4,
                "RES_EXT": 12,
                "RES_INHOUSE": 3,
                "SUPPORTED": 24 if supported_ok else 0,
                "SIXTEEN_PLUS": 6 if d < P2_H5_LAST - 60 else 0,
            }
        if disabled and age >= 4:
            t["SCHOOL"] = 12
        if disabled and age >= 12:
            t["RES_DIS"] = 8
        return pick(rng, t)

    def _new(self, timeline: Timeline, c: Child, d: int, kind: str, home: str) -> Placement:
        """A move to a new carer, appended to the timeline with a fresh placement key."""
        a = age_on(c.dob, d)
        pl = self.placement(kind, d, a, home, c.uasc)
        # A move to a new carer must differ from the last placement (rule 435): redraw a repeat.
        last = timeline[-1][1] if timeline else None
        for _ in range(10):
            if last is None or (pl.place, pl.pr, pl.urn, pl.pl_post) != (last.place, last.pr, last.urn, last.pl_post):
                break
            pl = self.placement(kind, d, a, home, c.uasc)
        pl.key = self.next_key
        self.next_key += 1
        timeline.append((d, pl, False))
        return pl

    # ---------------------------------------------------------------- one child
    def simulate_child(self, child: str, dob: int, sex: int, uasc: bool, disabled: bool, start: int) -> None:
        rng = self.rng
        c = Child(child, dob, sex, uasc, disabled)
        instab = rng.gamma(0.6, 1 / 0.6)
        home = "" if uasc else self._postcode(0.92)
        s = start
        while s <= self.horizon:
            if age_on(dob, s) >= 18:
                break
            cin = "N8" if uasc else ("N2" if disabled and rng.random() < 0.25 else pick(rng, NEED))
            end, rec, _route = self.simulate_period(c, s, cin, home, instab)
            # Some children who go home come back into care (DOMAIN.md re-entry is common).
            if rec in ("E4A", "E4B") and rng.random() < 0.15:
                s = end + int(rng.integers(60, 900))
                if rng.random() < 0.3 and not uasc:
                    home = self._postcode(0.92)
                continue
            break

    def simulate_period(self, c: Child, s: int, cin: str, home: str, instab: float) -> tuple[int, str, str]:
        rng = self.rng
        route = choose_route(rng, age_on(c.dob, s), c.uasc, c.sex)
        plan = plan_period(rng, route, s, birthday(c.dob, 18))
        timeline = self._moves(c, route, plan, s, home, instab)
        self._closing_placements(timeline, c, plan, s, home)
        tl = self._keyed(self._with_code_changes(timeline, c, plan.end, home))
        rec = final_rec(rng, plan.rec, route, tl[-1][1][0].place, c.disabled, age_on(c.dob, plan.end))
        eps = episodes.merge(plan.legal, tl, plan.end)
        eps = episodes.with_temporaries(rng, self._postcode, eps, c.uasc, home)
        self.rows.extend(episodes.rows(rng, c.id, eps, rec, cin, home))
        self.periods.append((c.id, s, plan.end, rec, route))
        return plan.end, rec, route

    def _moves(self, c: Child, route: str, plan: PeriodPlan, s: int, home: str, instab: float) -> Timeline:
        """The first placement, then moves as a Poisson process, faster for teenagers and in the first months."""
        rng = self.rng
        timeline: Timeline = []
        if route == "remand":
            cur = self._new(timeline, c, s, pick(rng, {"YOI": 40, "FOSTER_IFA": 30, "RES_EXT": 30}), home)
        elif route == "adoption" and plan.ffa:
            cur = self._new(timeline, c, s, "FFA", home)
        elif route == "sgo" and plan.sgo_kin:
            cur = self._new(timeline, c, s, "KINSHIP", home)
        else:
            cur = self._new(timeline, c, s, self.choose_kind(age_on(c.dob, s), s, c.disabled, c.uasc), home)
        t = s
        long_match_done = False
        while True:
            rate = (0.45 if age_on(c.dob, t) < 11 else 0.8) * instab
            if t - s > 730 and route == "long":
                rate *= 0.35
            t = t + int(rng.exponential(365.0 / max(rate, 1e-3))) + 7
            if t >= plan.end - 1:
                break
            if plan.adopt_at is not None and t >= plan.adopt_at - 7:
                break
            if plan.p1_from is not None and t >= plan.p1_from - 7:
                break
            # Long-term matching with the same carer, recorded as a change of placement type (RNE T).
            if not long_match_done and route == "long" and t - s > 365 and cur.place in ("U6", "U3"):
                long_match_done = True
                if rng.random() < 0.6:
                    cur = _same_carer(cur, "U4" if cur.place == "U6" else "U1")
                    timeline.append((t, cur, True))
                    continue
            kind = self.choose_kind(age_on(c.dob, t), t, c.disabled, c.uasc)
            if route == "sgo" and plan.sgo_kin:
                kind = "KINSHIP"  # drawn all the same, so the stream does not depend on the route
            cur = self._new(timeline, c, t, kind, home)
        return timeline

    def _closing_placements(self, timeline: Timeline, c: Child, plan: PeriodPlan, s: int, home: str) -> None:
        """The adoptive placement, or a return to parents, that ends the period."""
        end = plan.end
        if plan.adopt_at is not None and plan.adopt_at < end:
            if plan.ffa:
                timeline.append((plan.adopt_at, _same_carer(timeline[-1][1], "A5"), True))
            else:
                pl = self._new(timeline, c, plan.adopt_at, "ADOPT", home)
                pl.place = "A6" if plan.legal[-1][1] == "E1" else "A4"
        if plan.p1_from is not None and s < plan.p1_from < end and age_on(c.dob, plan.p1_from) < 18:
            self._new(timeline, c, plan.p1_from, "PARENTS", home)

    def _with_code_changes(
        self, timeline: Timeline, c: Child, end: int, home: str
    ) -> list[tuple[int, tuple[Placement, bool]]]:
        """Supported accommodation and independent living across the 2023-24 code changes, one per date."""
        extra = []
        for i, (d, pl, _) in enumerate(timeline):
            nxt = timeline[i + 1][0] if i + 1 < len(timeline) else end
            if pl.place in ("H5", "P2") and d < P2_H5_LAST < nxt:
                z = Placement(pl.kind, "Z1", "", "", pl.pl_post, pl.provider_id, pl.key)
                extra.append((P2_H5_LAST, z, True))
                if K3_FROM < nxt and age_on(c.dob, K3_FROM) >= 16:
                    extra.append((K3_FROM, _same_carer(pl, "K3"), True))
                elif K3_FROM < nxt:
                    extra.append((K3_FROM, self.placement("FOSTER_IFA", K3_FROM, 17, home, c.uasc), False))
        # de-duplicate dates (the later decision wins)
        dedup: dict[int, tuple[Placement, bool]] = {}
        for d, pl, same in sorted(timeline + extra, key=lambda x: x[0]):
            dedup[d] = (pl, same)
        return sorted(dedup.items())

    def _keyed(self, tl: list[tuple[int, tuple[Placement, bool]]]) -> list[tuple[int, tuple[Placement, bool]]]:
        """Keys for the new carers the code changes brought in, in date order."""
        for _d, (pl, same) in tl:
            if not same and pl.key == 0:
                pl.key = self.next_key
                self.next_key += 1
        return tl


def _same_carer(cur: Placement, place: str) -> Placement:
    """The same carer and placement key under another PLACE code."""
    return Placement(cur.kind, place, cur.pr, cur.urn, cur.pl_post, cur.provider_id, cur.key)
