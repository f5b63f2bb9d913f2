"""Looked-after children: one true care history per child, and the 903 tables cut from it each night.

The simulation runs per child (periods of care -> legal status and placement timelines -> episodes),
because the SSDA903 structure rules (contiguity, temporaries and returns, RNE/REC, age and date limits
on PLACE) are far easier to honour by construction than to repair afterwards. It starts 18 years
before the 10-year window so the children already in care when the window opens have believable
histories (and an earlier DECOM); periods that ended before the window are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .common import age_on, ages_on, birthday, days, fmt_dates, make_ids, pick, to_date
from .people import ethnicities, no_leap_day, upns
from .postcodes import PostcodePool
from .providers import Registry

EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]

P2_H5_LAST = days(date(2023, 10, 28))  # H5/P2 episodes must end by this day
K3_FROM = days(date(2024, 4, 1))
Z1_LAST = days(date(2025, 4, 1))  # Z1 replaced by Z11-Z14 from 1 April 2025

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
_TEMP_MAX_DAYS = {"T0": 10, "T1": 42, "T2": 14, "T3": 21, "T4": 7}
_TEMP_SHARE = {"T3": 35, "T4": 30, "T1": 15, "T2": 10, "T0": 10}
_MOVE_REASONS = {
    "CARPL": 30,
    "CREQB": 14,
    "CREQO": 12,
    "CHILD": 10,
    "LAREQ": 8,
    "ALLEG": 4,
    "STAND": 4,
    "CLOSE": 4,
    "APPRR": 3,
    "OTHER": 11,
}
_NEED = {"N1": 62, "N5": 17, "N4": 11, "N6": 4, "N3": 3, "N8": 2, "N2": 1.5}

# Budget line of a placement kind (DOMAIN.md 4.7 applied to what the kind records in 903).
KIND_LINE = {
    "FOSTER_INHOUSE": "INHOUSE_FOSTERING",
    "KINSHIP": "KINSHIP",
    "FFA": "CONCURRENT_ADOPTION",
    "FOSTER_IFA": "IFA",
    "RES_EXT": "RES_HOME",
    "RES_INHOUSE": "INHOUSE_RES",
    "RES_DIS": "RES_DISABILITY",
    "SUPPORTED": "SUPPORTED_ACCOM",
    "SIXTEEN_PLUS": "SIXTEEN_PLUS",
    "SCHOOL": "RES_SCHOOL",
    "SECURE": "RES_SECURE",
    "ADOPT": "ADOPTION_SGO",
    "SHORT_BREAK": "INHOUSE_RES",
    "MBU": "",
    "PARENTS": "",
    "YOI": "",
    "NHS": "",
}


@dataclass
class Placement:
    kind: str
    place: str
    pr: str
    urn: str
    pl_post: str
    provider_id: str
    key: int = 0


def budget_line(place: str, pr: str, cin: str) -> str:
    """DOMAIN.md 4.7, first matching row (T0-T4 are handled by the caller)."""
    if place in ("U2", "U5"):
        return "CONCURRENT_ADOPTION"
    if place in ("U1", "U3"):
        return "KINSHIP"
    if place in ("U4", "U6"):
        return "INHOUSE_FOSTERING" if pr == "PR1" else "IFA"
    if place == "K1":
        return "RES_SECURE"
    if place in ("R1", "R2", "K2") and cin == "N2" and pr != "PR1":
        return "RES_DISABILITY"
    if place == "K2" and pr == "PR1":
        return "INHOUSE_RES"
    if place in ("K2", "R1"):
        return "RES_HOME"
    if place == "S1":
        return "RES_SCHOOL"
    if place in ("K3", "H5"):
        return "SUPPORTED_ACCOM"
    if place == "P2":
        return "SIXTEEN_PLUS"
    if place in ("A3", "A4", "A5", "A6"):
        return "ADOPTION_SGO"
    if place in ("P1", "P3", "R2", "R5"):
        return "NO_BUDGET_LINE"
    return "OTHER"


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
        place = {
            "FOSTER_INHOUSE": "U6",
            "FOSTER_IFA": "U6",
            "KINSHIP": "U3",
            "FFA": "U5",
            "RES_EXT": "K2",
            "RES_INHOUSE": "K2",
            "RES_DIS": "K2",
            "SCHOOL": "S1",
            "SECURE": "K1",
            "PARENTS": "P1",
            "MBU": "R3",
            "YOI": "R5",
            "NHS": "R2",
            "SHORT_BREAK": "R1",
        }.get(kind)
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

    # ---------------------------------------------------------------- one child
    def simulate_child(self, child: str, dob: int, sex: int, uasc: bool, disabled: bool, start: int) -> None:
        rng = self.rng
        instab = rng.gamma(0.6, 1 / 0.6)
        home = "" if uasc else self._postcode(0.92)
        s = start
        first = True
        while s <= self.horizon:
            age = age_on(dob, s)
            if age >= 18:
                break
            cin = "N8" if uasc else ("N2" if disabled and rng.random() < 0.25 else pick(rng, _NEED))
            end, rec, route = self.simulate_period(child, dob, sex, uasc, disabled, s, cin, home, instab, first)
            first = False
            # Some children who go home come back into care (DOMAIN.md re-entry is common).
            if rec in ("E4A", "E4B") and rng.random() < 0.15:
                s = end + int(rng.integers(60, 900))
                if rng.random() < 0.3 and not uasc:
                    home = self._postcode(0.92)
                continue
            break

    def _route(self, age: int, uasc: bool, sex: int, disabled: bool) -> str:
        rng = self.rng
        if uasc:
            return "uasc"
        if age >= 12 and rng.random() < (0.05 if sex == 1 else 0.015):
            return "remand"
        if age < 4:
            t = {"adoption": 30, "sgo": 22, "home": 34, "long": 9, "other": 5}
        elif age < 5:
            t = {"sgo": 25, "home": 48, "long": 18, "other": 9}
        elif age < 11:
            t = {"home": 52, "sgo": 12, "long": 24, "other": 12}
        elif age < 16:
            t = {"home": 56, "long": 28, "other": 16}
        else:
            t = {"home": 38, "long": 52, "other": 10}
        return pick(rng, t)

    def simulate_period(self, child, dob, sex, uasc, disabled, s, cin, home, instab, first):
        rng = self.rng
        age = age_on(dob, s)
        b18 = birthday(dob, 18)
        route = self._route(age, uasc, sex, disabled)
        legal: list[tuple[int, str]] = []
        adopt_at = None  # date of the adoptive placement
        ffa = False
        p1_from = None
        sgo_kin = False

        if route == "adoption":
            ls0 = pick(rng, {"C1": 60, "V2": 30, "L2": 6})
            legal.append((s, ls0))
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
        elif route == "sgo":
            ls0 = pick(rng, {"C1": 70, "V2": 30})
            legal.append((s, ls0))
            end = s + int(rng.integers(180, 800))
            if ls0 == "C1" and end - s > 330 and rng.random() < 0.5:
                legal.append((s + int(rng.integers(180, 300)), "C2"))
            rec = pick(rng, {"E45": 50, "E47": 30, "E46": 15, "E48": 5})
            sgo_kin = rec == "E45"
        elif route == "home":
            if rng.random() < 0.6:
                legal.append((s, "V2"))
                end = s + int(np.clip(rng.lognormal(np.log(110), 1.1), 2, 1500))
                rec = "E4A" if rng.random() < 0.8 else "E4B"
            else:
                legal.append((s, pick(rng, {"C1": 95, "L2": 5})))
                if legal[0][1] == "L2":
                    legal.append((s + int(rng.integers(3, 9)), "C1"))
                end = s + int(rng.integers(200, 1100))
                if end - s > 250:
                    legal.append((s + int(rng.integers(150, 250)), "C2"))
                if rng.random() < 0.55:
                    p1_from = end - int(rng.integers(60, 365))
                rec = "E4A" if rng.random() < 0.92 else "E4B"
        elif route == "long":
            if rng.random() < 0.75:
                legal.append((s, "C1"))
                legal.append((s + int(rng.integers(150, 320)), "C2"))
                if rng.random() < 0.22:
                    p1_from = s + int(rng.integers(200, 1500))
            else:
                legal.append((s, "V2"))
            end = b18
            rec = None  # decided at 18 from the last placement
        elif route == "remand":
            legal.append((s, "J1"))
            end = s + int(rng.integers(5, 150))
            rec = "E14" if rng.random() < 0.7 else "E9"
        elif route == "uasc":
            legal.append((s, "V2"))
            r = rng.random()
            if r < 0.06:
                end, rec = s + int(rng.integers(20, 200)), "E15"
            elif r < 0.10:
                end, rec = s + int(rng.integers(60, 500)), "E8"
            else:
                end, rec = b18, None
        else:  # other endings
            legal.append((s, pick(rng, {"V2": 60, "C1": 40})))
            end = s + int(rng.integers(30, 900))
            if legal[0][1] == "C1" and end - s > 300:
                legal.append((s + int(rng.integers(150, 300)), "C2"))
            rec = pick(rng, {"E13": 40, "E41": 25, "E8": 17, "E3": 13, "E16": 4, "E2": 1})
        if end >= b18:
            end, rec = b18, ("E14" if route == "remand" else None)
        end = max(end, s + 1)
        legal = [(d, ls) for d, ls in legal if s <= d < end]

        # ---- placement timeline: (date, kind, same_carer)
        timeline: list[tuple[int, Placement, bool]] = []

        def new(d, kind, same=False, prev=None):
            a = age_on(dob, d)
            pl = self.placement(kind, d, a, home, uasc)
            # A move to a new carer must differ from the last placement (rule 435): redraw a repeat.
            last = timeline[-1][1] if timeline else None
            for _ in range(10):
                if (
                    same
                    or last is None
                    or (pl.place, pl.pr, pl.urn, pl.pl_post) != (last.place, last.pr, last.urn, last.pl_post)
                ):
                    break
                pl = self.placement(kind, d, a, home, uasc)
            if same and prev is not None:
                pl.pr, pl.urn, pl.pl_post, pl.provider_id, pl.key = (
                    prev.pr,
                    prev.urn,
                    prev.pl_post,
                    prev.provider_id,
                    prev.key,
                )
                pl.kind = prev.kind
            else:
                pl.key = self.next_key
                self.next_key += 1
            timeline.append((d, pl, same))
            return pl

        if route == "remand":
            cur = new(s, pick(rng, {"YOI": 40, "FOSTER_IFA": 30, "RES_EXT": 30}))
        elif route == "adoption" and ffa:
            cur = new(s, "FFA")
        elif route == "sgo" and sgo_kin:
            cur = new(s, "KINSHIP")
        else:
            cur = new(s, self.choose_kind(age, s, disabled, uasc))
        # Moves: a Poisson process, faster for teenagers and in the first months.
        t = s
        long_match_done = False
        while True:
            a = age_on(dob, t)
            rate = (0.45 if a < 11 else 0.8) * instab
            if t - s > 730 and route == "long":
                rate *= 0.35
            gap = int(rng.exponential(365.0 / max(rate, 1e-3))) + 7
            t = t + gap
            if t >= end - 1:
                break
            if adopt_at is not None and t >= adopt_at - 7:
                break
            if p1_from is not None and t >= p1_from - 7:
                break
            a = age_on(dob, t)
            # Long-term matching with the same carer, recorded as a change of placement type (RNE T).
            if not long_match_done and route == "long" and t - s > 365 and cur.place in ("U6", "U3"):
                long_match_done = True
                if rng.random() < 0.6:
                    same = Placement(
                        cur.kind,
                        "U4" if cur.place == "U6" else "U1",
                        cur.pr,
                        cur.urn,
                        cur.pl_post,
                        cur.provider_id,
                        cur.key,
                    )
                    timeline.append((t, same, True))
                    cur = same
                    continue
            kind = self.choose_kind(a, t, disabled, uasc)
            if route == "sgo" and sgo_kin:
                kind = "KINSHIP"
            cur = new(t, kind)
        if adopt_at is not None and adopt_at < end:
            if ffa:
                same = Placement(cur.kind, "A5", cur.pr, cur.urn, cur.pl_post, cur.provider_id, cur.key)
                timeline.append((adopt_at, same, True))
            else:
                pl = new(adopt_at, "ADOPT")
                pl.place = "A6" if legal[-1][1] == "E1" else "A4"
        if p1_from is not None and s < p1_from < end and age_on(dob, p1_from) < 18:
            new(p1_from, "PARENTS")
        # Supported accommodation and independent living across the 2023-24 code changes.
        extra = []
        for i, (d, pl, _) in enumerate(timeline):
            nxt = timeline[i + 1][0] if i + 1 < len(timeline) else end
            if pl.place in ("H5", "P2") and d < P2_H5_LAST < nxt:
                z = Placement(pl.kind, "Z1", "", "", pl.pl_post, pl.provider_id, pl.key)
                extra.append((P2_H5_LAST, z, True))
                if K3_FROM < nxt and age_on(dob, K3_FROM) >= 16:
                    k = Placement(pl.kind, "K3", pl.pr, pl.urn, pl.pl_post, pl.provider_id, pl.key)
                    extra.append((K3_FROM, k, True))
                elif K3_FROM < nxt:
                    nxt_end = K3_FROM
                    extra.append((nxt_end, self.placement("FOSTER_IFA", nxt_end, 17, home, uasc), False))
        timeline = sorted(timeline + extra, key=lambda x: x[0])
        # de-duplicate dates (the later decision wins)
        dedup: dict[int, tuple[Placement, bool]] = {}
        for d, pl, same in timeline:
            dedup[d] = (pl, same)
        tl = sorted(dedup.items())
        for _d, (pl, same) in tl:
            if not same and pl.key == 0:
                pl.key = self.next_key
                self.next_key += 1

        # ---- final REC when it depends on where the child is at the end
        last_place = tl[-1][1][0]
        if rec is None:  # leaving care at 18
            if True:
                if last_place.place in ("U4", "U6", "U1", "U3") and rng.random() < 0.45:
                    rec = "E17"
                elif disabled and rng.random() < 0.35:
                    rec = "E7"
                elif last_place.place == "P1":
                    rec = "E4A"
                else:
                    rec = "E5" if rng.random() < 0.65 else "E6"
        if route == "sgo" and rec in ("E45", "E46") and last_place.place not in ("U1", "U3", "U4", "U6"):
            rec = "E47" if rec == "E45" else "E48"
        if rec == "E46" and last_place.place in ("U1", "U3"):
            rec = "E45"
        if rec in ("E11", "E12") and last_place.place not in ("A3", "A4", "A5", "A6"):
            rec = "E41"
        age_end = age_on(dob, end)
        if rec in ("E5", "E6") and age_end < 14:
            rec = "E8"
        if rec == "E7" and age_end < 16:
            rec = "E8"
        if rec == "E17" and age_end < 18:
            rec = "E5"

        # ---- merge legal and placement changes into episodes
        legal_at = dict(legal)
        place_at = {d: v for d, v in tl}
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

        # ---- temporary absences inside long episodes (never first or last of the period)
        out = []
        for d, e, rne, ls, pl in episodes:
            temp_ok = pl.place in ("U1", "U3", "U4", "U5", "U6", "K2", "S1") and not uasc and e - d > 40
            if temp_ok and rng.random() < min(0.9, 0.25 * (e - d) / 365.0):
                kind = pick(rng, _TEMP_SHARE)
                if kind == "T3" and pl.place not in ("U1", "U3", "U4", "U5", "U6"):
                    kind = "T4"
                length = int(rng.integers(1, _TEMP_MAX_DAYS[kind] + 1))
                ts = d + int(rng.integers(10, e - d - length - 10)) if e - d - length - 20 > 0 else None
                if ts is not None:
                    tpl = Placement(
                        pl.kind, kind, "", "", pl.pl_post if rng.random() < 0.2 else "", pl.provider_id, pl.key
                    )
                    if not tpl.pl_post:
                        tpl.pl_post = self._postcode(0.7)
                        while tpl.pl_post == home:
                            tpl.pl_post = self._postcode(0.7)
                    out.append([d, ts, rne, ls, pl])
                    out.append([ts, ts + length, "P", ls, tpl])
                    out.append([ts + length, e, "P", ls, pl])
                    continue
            out.append([d, e, rne, ls, pl])

        # ---- rows
        n = len(out)
        for j, (d, e, rne, ls, pl) in enumerate(out):
            last = j == n - 1
            nxt = out[j + 1] if not last else None
            r = rec if last else "X1"
            reason = ""
            if not last and pl.place not in TEMPORARY and nxt[4].place not in TEMPORARY and nxt[2] in "PBTU":
                if nxt[2] in "TU":
                    reason = "PLACE" if nxt[4].place in ("Z1", "K3") else "CARPL"
                else:
                    reason = pick(rng, _MOVE_REASONS)
            self.rows.append(
                [
                    child,
                    d,
                    rne,
                    ls,
                    cin,
                    pl.place,
                    pl.pr,
                    e,
                    r,
                    reason,
                    home,
                    pl.pl_post,
                    pl.urn,
                    pl.key,
                    pl.provider_id,
                    pl.kind,
                ]
            )
        self.periods.append((child, s, end, rec, route))
        return end, rec, route


def simulate(rng: np.random.Generator, pool: PostcodePool, registry: Registry, *, end_date: date, scale: float) -> dict:
    """True history of every looked-after child (episodes with internal columns) plus child attributes."""
    end = days(end_date)
    window_start = days(end_date.replace(year=end_date.year - 10))
    burn = days(end_date.replace(year=end_date.year - 28))
    sim = CareSimulator(rng, pool, registry, end)

    # First-time entrants per year: rising from ~230 to ~280 across the window (re-entries add ~10%).
    years = np.arange(burn, end + 1, 365)
    starts = []
    for y0 in years:
        frac = np.clip((y0 - window_start) / (end - window_start), 0, 1)
        lam = (238 + 24 * frac) * scale
        k = rng.poisson(lam)
        starts.append(y0 + rng.integers(0, 365, size=k))
    start = np.sort(np.concatenate(starts))
    start = start[start <= end]
    n = len(start)
    uasc = rng.random(n) < 0.075
    # UASC arrivals mostly from 2015 on
    uasc &= start >= days(date(2014, 1, 1))
    band = pick(rng, {"0": 21, "1-4": 16, "5-10": 18, "11-15": 33, "16-17": 12}, size=n)
    lo = np.select([band == "0", band == "1-4", band == "5-10", band == "11-15"], [0, 1, 5, 11], 16)
    hi = np.select([band == "0", band == "1-4", band == "5-10", band == "11-15"], [1, 5, 11, 16], 18)
    lo = np.where(uasc, np.where(rng.random(n) < 0.3, 14, 16), lo)
    hi = np.where(uasc, np.where(lo == 14, 16, 18), hi)
    age_days = (lo * 365.25 + rng.random(n) * (hi - lo) * 365.25 - 2).astype(int)
    # newborns come into care in their first weeks more often than later in the year
    age_days = np.where(band == "0", (rng.exponential(60, n)).astype(int) % 360, age_days)
    dob = no_leap_day(start - np.maximum(age_days, 0))
    sex = np.where(uasc, np.where(rng.random(n) < 0.92, 1, 2), np.where(rng.random(n) < 0.515, 1, 2))
    disabled = rng.random(n) < np.where(uasc, 0.01, 0.115)
    ids = make_ids(rng, n, "C")
    for i in range(n):
        sim.simulate_child(ids[i], int(dob[i]), int(sex[i]), bool(uasc[i]), bool(disabled[i]), int(start[i]))

    # Short-break series (V3: every stay an episode; V4: agreements), for disabled children at home.
    n_sb = int(round(40 * scale))
    sb_ids = make_ids(rng, n_sb, "C", exclude=set(ids))
    sb_dob = no_leap_day(end - (rng.integers(6 * 365, 17 * 365, size=n_sb)))
    sb_sex = np.where(rng.random(n_sb) < 0.62, 1, 2)
    sb_rows = []
    for i in range(n_sb):
        b5, b18 = birthday(int(sb_dob[i]), 5), birthday(int(sb_dob[i]), 18)
        first = max(b5, window_start - 365) + int(rng.integers(0, 6 * 365))
        last = min(b18 - 1, first + int(rng.integers(2 * 365, 8 * 365)))
        prov = registry.draw(rng, "SHORT_BREAK")
        v4 = rng.random() < 0.3
        t = first
        while t < last and t <= end:
            if v4:
                e = min(t + int(rng.integers(90, 366)), last)
                ls = "V4"
            else:
                e = min(t + int(rng.integers(1, 4)), last)
                ls = "V3"
            if e <= t:
                break
            key = sim.next_key
            sim.next_key += 1
            sb_rows.append(
                [
                    sb_ids[i],
                    t,
                    "S",
                    ls,
                    "N2",
                    # Short breaks carry no URN or postcode (rule 214) yet K2 needs a URN (218): R1 needs neither.
                    "R1",
                    prov.pr,
                    e,
                    "E4A",
                    "",
                    "",
                    "",
                    "",
                    key,
                    prov.provider_id,
                    "SHORT_BREAK",
                ]
            )
            t = e + (int(rng.integers(1, 10)) if v4 else int(rng.integers(10, 40)))
    cols = EPISODE_COLUMNS + ["placement_key", "provider_id", "kind"]
    ep = pd.DataFrame(sim.rows + sb_rows, columns=cols)
    ep["DECOM"] = ep["DECOM"].astype("int64")
    ep["DEC"] = ep["DEC"].astype("float64")

    # Keep periods that reach into the window; whole periods, so each still opens with RNE = S.
    ep["period"] = (ep["RNE"] == "S").cumsum()  # rows are appended period by period
    pend = ep.groupby("period")["DEC"].transform("max")
    ep = ep[(pend >= window_start) & (ep.groupby("period")["DECOM"].transform("min") <= end)]
    ep = ep.reset_index(drop=True)

    children = pd.DataFrame({"child_id": ids, "dob": dob, "sex": sex, "uasc": uasc, "disabled": disabled})
    sb_children = pd.DataFrame({"child_id": sb_ids, "dob": sb_dob, "sex": sb_sex, "uasc": False, "disabled": True})
    children = pd.concat([children, sb_children], ignore_index=True)
    children = children[children["child_id"].isin(set(ep["CHILD"]))].reset_index(drop=True)
    children["ethnicity"] = ethnicities(rng, children["uasc"].to_numpy())
    children["upn"] = upns(rng, len(children))
    children["upn_unknown"] = pick(rng, {"": 97.5, "UN2": 1.0, "UN3": 0.7, "UN5": 0.8}, size=len(children))
    children.loc[children["uasc"] & (rng.random(len(children)) < 0.25), "upn_unknown"] = "UN2"
    children["lac"] = True

    periods = pd.DataFrame(sim.periods, columns=["child_id", "start", "end", "rec", "route"])
    periods = periods[periods["child_id"].isin(set(children["child_id"])) & (periods["end"] >= window_start)]
    extras = _extras(rng, ep, children, end)
    return {"episodes": ep, "children": children, "periods": periods.reset_index(drop=True), **extras}


def _extras(rng: np.random.Generator, ep: pd.DataFrame, children: pd.DataFrame, end: int) -> dict:
    """Reviews, missing episodes, motherhood: all derived from the episodes."""
    dob = dict(zip(children["child_id"], children["dob"], strict=False))
    per = (
        ep[~ep["LS"].isin(["V3", "V4"])]
        .groupby("period")
        .agg(child=("CHILD", "first"), start=("DECOM", "min"), stop=("DEC", "max"))
    )
    late_child = set(children["child_id"][rng.random(len(children)) < 0.10])
    reviews = []
    for child, s, stop in per.itertuples(index=False):
        stop = min(stop, end)
        late = child in late_child
        t = s + int(rng.integers(8, 26))  # 25 calendar days never exceed 20 working days
        if late and rng.random() < 0.3:
            t = s + int(rng.integers(32, 60))
        k = 0
        while t < stop:
            reviews.append((child, t))
            k += 1
            gap = int(rng.integers(55, 89)) if k == 1 else int(rng.integers(140, 181))
            if late and rng.random() < 0.25:
                gap += int(rng.integers(5, 40))
            t += gap
    rv = pd.DataFrame(reviews, columns=["CHILD", "REVIEW"])
    rv["DOB"] = rv["CHILD"].map(dob)
    age = ages_on(rv["DOB"].to_numpy(), rv["REVIEW"].to_numpy())
    code = pick(rng, {"PN1": 48, "PN2": 9, "PN3": 6, "PN4": 5, "PN5": 9, "PN6": 16, "PN7": 7}, size=len(rv))
    rv["REVIEW_CODE"] = np.where(age < 4, "PN0", code)

    # Missing: teenagers in care, concentrated in a minority who go missing repeatedly.
    care = ep[~ep["LS"].isin(["V3", "V4"]) & ~ep["PLACE"].isin(TEMPORARY)].copy()
    care["b11"] = [birthday(int(dob[c]), 11) for c in care["CHILD"]]
    care["s"] = np.maximum(care["DECOM"], care["b11"])
    care["e"] = np.fmin(care["DEC"], end)  # an open episode runs to the extract date
    care = care[care["e"] - care["s"] > 2]
    prone = {c: rng.gamma(0.3, 1 / 0.3) * (rng.random() < 0.45) for c in care["CHILD"].unique()}
    miss = []
    for child, s, e in care[["CHILD", "s", "e"]].itertuples(index=False):
        lam = prone[child] * 1.5 * (e - s) / 365.0
        for _ in range(rng.poisson(lam)):
            ms = int(s + rng.integers(0, max(1, int(e - s))))
            r = rng.random()
            length = 0 if r < 0.35 else (int(rng.integers(1, 4)) if r < 0.9 else int(rng.integers(4, 40)))
            # Back before the placement ends (rules 575 and 580: missing on the day care ends means E8).
            miss.append((child, "M" if rng.random() < 0.6 else "A", ms, max(ms, min(ms + length, int(e) - 1))))
    # A child cannot go missing again before coming back: keep incidents that start after the last one ended.
    kept, last_end = [], {}
    for row in sorted(miss, key=lambda m: (m[0], m[2])):
        if row[2] > last_end.get(row[0], -(10**9)):
            kept.append(row)
            last_end[row[0]] = row[3]
    ms = pd.DataFrame(kept, columns=["CHILD", "MISSING", "MIS_START", "MIS_END"])
    ms["DOB"] = ms["CHILD"].map(dob)

    # Motherhood: a few older girls in care have a baby (MC_DOB), known once it is born.
    girls = ep.merge(children[["child_id", "sex"]], left_on="CHILD", right_on="child_id")
    girls = girls[(girls["sex"] == 2) & ~girls["LS"].isin(["V3", "V4"])]
    girls = girls.groupby("CHILD").agg(s=("DECOM", "min"), e=("DEC", "max")).reset_index()
    ends = ep.dropna(subset=["DEC"]).groupby("CHILD")["DEC"].apply(lambda d: np.sort(d.to_numpy()))
    mothers = {}
    for child, s, e in girls.itertuples(index=False):
        b15 = birthday(int(dob[child]), 15)
        lo, hi = max(s, b15), min(e, end)
        if hi - lo > 60 and rng.random() < 0.06:
            born = int(rng.integers(lo, hi))
            # Rule 625 reads MC_DOB against the latest DEC sent in the year of the birth: a birth after the
            # year's last episode change would be refused, so the baby arrives with that change instead.
            year_end = days(date(to_date(born).year + (to_date(born).month >= 4), 3, 31))
            dec = ends.get(child, np.array([]))
            in_year = dec[(dec <= year_end) & (dec > year_end - 365)]
            if len(in_year) and in_year.max() < born:
                born = int(in_year.max())
            if born >= lo:
                mothers[child] = born
    return {"reviews": rv, "missing": ms, "mothers": mothers}


# -------------------------------------------------------------------- nightly snapshot
def snapshot(world: dict, extract: int, *, sex_code: str = "MF") -> dict[str, pd.DataFrame]:
    ep = world["episodes"]
    ch = world["children"].set_index("child_id")
    e = ep[ep["DECOM"] <= extract].copy()
    open_ = e["DEC"] > extract
    e.loc[open_, "DEC"] = np.nan
    e.loc[open_, ["REC", "REASON_PLACE_CHANGE"]] = ""
    e = e.sort_values(["CHILD", "DECOM"], kind="stable")
    episodes = e[EPISODE_COLUMNS].copy()
    episodes["DECOM"] = fmt_dates(e["DECOM"]).values
    episodes["DEC"] = fmt_dates(e["DEC"]).values

    kids = ch.loc[sorted(set(e["CHILD"]))]
    dob = kids["dob"].to_numpy()
    age_now = ages_on(dob, np.full(len(kids), extract))
    first_decom = e.groupby("CHILD")["DECOM"].min().reindex(kids.index).to_numpy()
    upn = kids["upn"].to_numpy().copy()
    unk = kids["upn_unknown"].to_numpy()
    upn = np.where(unk != "", unk, upn)
    upn = np.where(age_now < 4, "UN1", upn)
    # UN4: newly looked after, UPN not yet known (never for a DECOM on/after 24 March: rule 210).
    fd = first_decom.astype("int64").astype("datetime64[D]")
    recent = (extract - first_decom < 45) & (age_now >= 5)
    h = pd.util.hash_array(kids.index.to_numpy().astype(str)) % 5 == 0
    not_late_march = ~(
        (fd.astype("datetime64[M]").astype(int) % 12 == 2) & ((fd - fd.astype("datetime64[M]")).astype(int) >= 23)
    )
    upn = np.where(recent & h & not_late_march, "UN4", upn)
    short_only = e.groupby("CHILD")["LS"].agg(lambda s: s.isin(["V3", "V4"]).all()).reindex(kids.index).to_numpy()
    girl = kids["sex"].to_numpy() == 2
    mothers = world["mothers"]
    mc = np.array([mothers.get(c, np.nan) for c in kids.index], dtype=float)
    mc = np.where(mc <= extract, mc, np.nan)
    mother = np.where(girl & ~short_only, np.where(~np.isnan(mc), "1", "0"), "")
    mc = np.where(mother == "1", mc, np.nan)
    sex = np.where(kids["sex"].to_numpy() == 1, "M", "F") if sex_code == "MF" else kids["sex"].astype(str)
    header = pd.DataFrame(
        {
            "CHILD": kids.index,
            "SEX": sex,
            "DOB": fmt_dates(dob).values,
            "ETHNIC": kids["ethnicity"].to_numpy(),
            "UPN": upn,
            "MOTHER": mother,
            "MC_DOB": fmt_dates(mc).values,
        }
    )

    u = kids[kids["uasc"].to_numpy()]
    duc = np.array([birthday(int(d), 18) for d in u["dob"]], dtype=float)
    uasc = pd.DataFrame(
        {
            "CHILD": u.index,
            "SEX": np.where(u["sex"] == 1, "M", "F"),
            "DOB": fmt_dates(u["dob"]).values,
            "DUC": fmt_dates(duc).values,
        }
    )

    rv = world["reviews"]
    rv = rv[rv["REVIEW"] <= extract].sort_values(["CHILD", "REVIEW"])
    reviews = pd.DataFrame(
        {
            "CHILD": rv["CHILD"].values,
            "DOB": fmt_dates(rv["DOB"]).values,
            "REVIEW": fmt_dates(rv["REVIEW"]).values,
            "REVIEW_CODE": rv["REVIEW_CODE"].values,
        }
    )
    ms = world["missing"]
    ms = ms[ms["MIS_START"] <= extract].sort_values(["CHILD", "MIS_START"])
    mis_end = np.where(ms["MIS_END"] <= extract, ms["MIS_END"], np.nan)
    missing = pd.DataFrame(
        {
            "CHILD": ms["CHILD"].values,
            "DOB": fmt_dates(ms["DOB"]).values,
            "MISSING": ms["MISSING"].values,
            "MIS_START": fmt_dates(ms["MIS_START"]).values,
            "MIS_END": fmt_dates(mis_end).values,
        }
    )
    return {"header": header, "episodes": episodes, "uasc": uasc, "reviews": reviews, "missing": missing}
