"""Placement providers: the settings children are placed in, with their 903 codes and finance IDs.

A provider here is one setting or agency: provider_id (finance), PLACE_PROVIDER code, Ofsted URN and,
for buildings (homes, schools, supported accommodation), a fixed postcode. Foster carers and adopters
live at their own addresses, so those placements draw a fresh postcode each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .postcodes import PostcodePool

COUNCIL = "PRV0001"


@dataclass
class Provider:
    provider_id: str
    kind: str
    pr: str  # PLACE_PROVIDER
    urn: str  # '' where the PLACE needs none
    postcode: str | None  # None: the carer's own address, drawn per placement
    inside: float  # share of placements inside the council (carers) or 1/0 for a building


@dataclass
class Registry:
    by_kind: dict[str, list[Provider]] = field(default_factory=dict)

    def draw(self, rng: np.random.Generator, kind: str) -> Provider:
        pool = self.by_kind[kind]
        # A few big agencies take most children, as in real commissioning.
        w = 1.0 / (np.arange(len(pool)) + 2.0)
        return pool[int(rng.choice(len(pool), p=w / w.sum()))]


def _sc_urn(rng, used):
    while True:
        u = f"SC{int(rng.integers(100000, 1000000))}"
        if u not in used:
            used.add(u)
            return u


def _num_urn(rng, used):
    while True:
        u = str(int(rng.integers(1000000, 10000000)))
        if u not in used:
            used.add(u)
            return u


def build_registry(rng: np.random.Generator, pool: PostcodePool, scale: float) -> Registry:
    used: set[str] = set()
    n = 1
    reg = Registry()
    grow = max(1.0, np.sqrt(scale))

    def add(kind, pr, urn, postcode, inside, provider_id=None):
        nonlocal n
        if provider_id is None:
            n += 1
            provider_id = f"PRV{n:04d}"
        reg.by_kind.setdefault(kind, []).append(Provider(provider_id, kind, pr, urn, postcode, inside))

    def building(inside_share):
        if rng.random() < inside_share:
            return pool.inside["postcode"].iat[pool.draw_inside(rng)], 1.0
        return pool.outside["postcode"].iat[pool.draw_outside(rng)], 0.0

    fostering_urn = _sc_urn(rng, used)
    # The council's own services share provider_id PRV0001 (finance pays them from in-house lines).
    add("FOSTER_INHOUSE", "PR1", fostering_urn, None, 0.88, COUNCIL)
    add("KINSHIP", "PR1", fostering_urn, None, 0.85, COUNCIL)
    add("FFA", "PR1", fostering_urn, None, 0.80, COUNCIL)
    add("ADOPT", "PR1", _sc_urn(rng, used), None, 0.55, COUNCIL)  # the regional adoption agency it hosts
    for _ in range(3):
        add("RES_INHOUSE", "PR1", _sc_urn(rng, used), building(1.0)[0], 1.0, COUNCIL)
    add("SHORT_BREAK", "PR1", _sc_urn(rng, used), building(1.0)[0], 1.0, COUNCIL)
    for i in range(int(3 * grow)):
        add("ADOPT", "PR5" if i % 2 == 0 else "PR2", _sc_urn(rng, used), None, 0.4)
    for i in range(int(24 * grow)):
        add("FOSTER_IFA", "PR4" if i % 4 else "PR5", _sc_urn(rng, used), None, 0.62)
    for i in range(int(45 * grow)):
        pc, ins = building(0.3)
        add("RES_EXT", "PR4" if i % 6 else "PR5", _sc_urn(rng, used), pc, ins)
    for i in range(int(6 * grow)):
        pc, ins = building(0.3)
        add("RES_DIS", "PR4" if i % 3 else "PR5", _sc_urn(rng, used), pc, ins)
    # Registered supported accommodation (K3) with a URN must be in the council's own area (rule 241).
    for i in range(int(18 * grow)):
        pc, ins = building(1.0)
        add("SUPPORTED", "PR4" if i % 3 else "PR5", _sc_urn(rng, used), pc, ins)
    # P2 placements turn into K3 in 2024 (RNE T, same provider), so these are in the area too.
    for i in range(int(6 * grow)):
        pc, ins = building(1.0)
        add("SIXTEEN_PLUS", "PR4" if i % 2 else "PR5", _num_urn(rng, used), pc, ins)
    for i in range(int(10 * grow)):
        pc, ins = building(0.3)
        add("SCHOOL", "PR4" if i % 2 else "PR5", _num_urn(rng, used), pc, ins)
    for _ in range(int(5 * grow)):
        pc, ins = building(0.0)
        add("SECURE", "PR2", _sc_urn(rng, used), pc, ins)
    for _ in range(int(3 * grow)):
        pc, ins = building(0.5)
        add("MBU", "PR4", _sc_urn(rng, used), pc, ins)
    for _ in range(int(3 * grow)):
        pc, ins = building(0.0)
        add("YOI", "PR3", "", pc, ins)
    for _ in range(2):
        pc, ins = building(0.7)
        add("NHS", "PR3", "", pc, ins)
    add("PARENTS", "PR0", "", None, 1.0, "")
    return reg
