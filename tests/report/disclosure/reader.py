"""The reader: every figure seen, the sums between them, and interval arithmetic until nothing narrows."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from tests.report.disclosure.keys import (
    INF,
    REAL,
    SIGNED,
    SMALL,
    UNPROTECTED,
)


@dataclass
class Reader:
    """Everything published, what it means, and what follows from it."""

    truth: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)  # key -> (value, tolerance)
    where_shown: dict = field(default_factory=lambda: defaultdict(list))
    where_hidden: dict = field(default_factory=lambda: defaultdict(list))
    # ('=', total, parts): total = sum(parts); ('<=', total, parts): total <= sum(parts);
    # ('sum<=', total, parts): sum(parts) <= total.
    sums: list = field(default_factory=list)
    ratios: list = field(default_factory=list)  # (value_lo, value_hi, numerator, denominator, scale)
    problems: list = field(default_factory=list)
    fallbacks: list = field(default_factory=list)
    _seen_sums: set = field(default_factory=set)

    # -- what is published ---------------------------------------------------------------------------
    def see(self, key, text, where: str, tolerance: float = 0.0) -> float | None:
        """Record one published cell; returns the number shown (None for [c], [x], [z] or blank)."""
        value = parse_number(text)
        if key is None or (value is None and text != "[c]"):
            return None  # [x], [z] or blank: nothing shown
        if key not in self.truth:
            if text != "[c]":  # a withheld figure the marts do not have (a cost with no budget) hides nothing
                self.problems.append(f"checker: no true value for {key} ({where})")
            return None
        if text == "[c]":
            self.where_hidden[key].append(where)
            return None
        if abs(value - self.truth[key]) > tolerance + 1e-6:
            self.problems.append(f"checker: {where} shows {value} for {key}, the marts say {self.truth[key]}")
        if key in self.shown and abs(self.shown[key][0] - value) > max(tolerance, self.shown[key][1]) + 1e-6:
            self.problems.append(f"{key} is shown as {self.shown[key][0]} and as {value} ({where})")
        if key not in self.shown or tolerance < self.shown[key][1]:
            self.shown[key] = (value, tolerance)
        self.where_shown[key].append(where)
        return value

    def ratio(self, text, numerator, denominator, scale: float, where: str, tolerance: float) -> None:
        value = parse_number(text)
        if value is None or numerator not in self.truth or denominator not in self.truth:
            return
        for key in (numerator, denominator):
            if key[0] not in UNPROTECTED and 1 <= self.truth.get(key, 0) <= SMALL:
                self.problems.append(f"{where} shows {text}, made from {key} = {self.truth[key]:g} (1 to 5)")
        self.ratios.append((max(value - tolerance, 0.0), value + tolerance, numerator, denominator, scale))
        if scale == 100:  # a percentage of a group: the numerator is part of the denominator
            self.sums.append(("sum<=", denominator, (numerator,)))

    def add_sum(self, total, parts) -> None:
        """total = sum(parts) as MEASURES.md defines it; where the truth does not add up, only
        part <= total and total <= sum(parts) are used (see the module docstring)."""
        parts = tuple(sorted(set(parts), key=repr))
        if (total, parts) in self._seen_sums or not parts:
            return
        self._seen_sums.add((total, parts))
        for key in (total, *parts):
            self.truth.setdefault(key, 0.0)
        difference = self.truth[total] - sum(self.truth[p] for p in parts)
        if abs(difference) < 1e-6 * max(1.0, abs(self.truth[total])):
            self.sums.append(("=", total, parts))
        else:
            self.fallbacks.append((total, difference))
            self.sums.append(("<=", total, parts))  # total <= sum(parts)
            for part in parts:
                self.sums.append(("<=", part, (total,)))

    # -- what follows from it ------------------------------------------------------------------------
    def bounds(self) -> dict:
        lo, hi = self._starting_bounds()
        sums_of_unknowns = self._sums_of_unknowns(lo, hi)
        for _ in range(300):
            if not self._narrow_all(lo, hi, sums_of_unknowns):
                break
        return {key: (lo[key], hi[key]) for key in self.truth}

    def _starting_bounds(self) -> tuple[dict, dict]:
        lo, hi = {}, {}
        for key in self.truth:
            if key in self.shown:
                value, tolerance = self.shown[key]
                lo[key], hi[key] = value - tolerance, value + tolerance
            elif key[0] in SIGNED:
                lo[key], hi[key] = -INF, INF
            elif key in self.where_hidden and self.truth[key] == 0:
                lo[key] = hi[key] = 0.0  # the reader is given every zero shown as [c]
            elif key in self.where_hidden:
                lo[key], hi[key] = (0.0 if key[0] in REAL else 1.0), INF
            else:
                lo[key], hi[key] = 0.0, INF  # never published: it may be zero
        return lo, hi

    def _narrow_all(self, lo: dict, hi: dict, sums_of_unknowns: list) -> bool:
        """One pass over every relation; whether any interval narrowed."""

        def narrow(key, new_lo, new_hi) -> bool:
            return _narrow(key, new_lo, new_hi, lo, hi)

        changed = False
        for relation, total, parts in self.sums:
            for part in parts:
                others = [p for p in parts if p != part]
                others_lo = _total_of([lo[p] for p in others])
                others_hi = _total_of([hi[p] for p in others])
                if relation == "=":
                    changed |= narrow(part, _sub(lo[total], others_hi), _sub(hi[total], others_lo))
                elif relation == "<=":  # total <= sum(parts): each part at least total minus the others
                    changed |= narrow(part, _sub(lo[total], others_hi), INF)
                else:  # sum(parts) <= total: each part at most total minus the others
                    changed |= narrow(part, -INF, _sub(hi[total], others_lo))
            parts_lo = _total_of([lo[p] for p in parts])
            parts_hi = _total_of([hi[p] for p in parts])
            if relation == "=":
                changed |= narrow(total, parts_lo, parts_hi)
            elif relation == "<=":
                changed |= narrow(total, -INF, parts_hi)
            else:
                changed |= narrow(total, parts_lo, INF)
        for cells, (rest_lo, rest_hi) in sums_of_unknowns:
            for cell in cells:
                others = [c for c in cells if c != cell]
                changed |= narrow(
                    cell,
                    _sub(rest_lo, _total_of([hi[c] for c in others])),
                    _sub(rest_hi, _total_of([lo[c] for c in others])),
                )
        for value_lo, value_hi, numerator, denominator, scale in self.ratios:
            # value = scale x numerator / denominator, everything non-negative.
            if value_hi == 0 or not math.isinf(hi[denominator]):
                top = value_hi * hi[denominator] / scale if value_hi else 0.0
            else:
                top = INF
            changed |= narrow(numerator, value_lo * max(lo[denominator], 0.0) / scale, top)
            if value_lo > 0:
                changed |= narrow(
                    denominator,
                    scale * lo[numerator] / value_hi,
                    scale * hi[numerator] / value_lo if not math.isinf(hi[numerator]) else INF,
                )
        return changed

    def _sums_of_unknowns(self, lo: dict, hi: dict, limit: int = 400) -> list:
        """What unknown figures add up to: from each sum whose total is known (the unknown parts are the
        total minus the known ones); an unknown subtotal replaced by its own parts; and one such sum
        taken away from another that covers its figures (the rest add up to the difference)."""

        def known(key):
            return lo[key] == hi[key] or key in self.shown

        subtotals = defaultdict(list)
        start = []
        for relation, total, parts in self.sums:
            if relation != "=":
                continue
            if known(total):
                rest = [(lo[total], hi[total])] + [(-hi[p], -lo[p]) for p in parts if known(p)]
                start.append(
                    (frozenset(p for p in parts if not known(p)), (sum(r[0] for r in rest), sum(r[1] for r in rest)))
                )
            else:
                subtotals[total].append(parts)
        found: dict = {}
        while start and len(found) < limit:
            cells, (rest_lo, rest_hi) = start.pop()
            if not cells or cells in found:
                continue
            found[cells] = (rest_lo, rest_hi)
            for cell in cells:
                for parts in subtotals.get(cell, []):
                    known_parts = [p for p in parts if known(p)]
                    start.append(
                        (
                            (cells - {cell}) | {p for p in parts if not known(p)},
                            (rest_lo - sum(hi[p] for p in known_parts), rest_hi - sum(lo[p] for p in known_parts)),
                        )
                    )
            for other, (other_lo, other_hi) in list(found.items()):
                if other < cells:
                    start.append((cells - other, (rest_lo - other_hi, rest_hi - other_lo)))
                elif cells < other:
                    start.append((other - cells, (other_lo - rest_hi, other_hi - rest_lo)))
        return list(found.items())

    def disclosures(self) -> list[str]:
        """Every way the publication gives away a count of 1 to 5, as readable sentences."""
        found = list(self.problems)
        for key, (value, _) in self.shown.items():
            if key[0] not in UNPROTECTED and 1 <= value <= SMALL:
                found.append(f"{key} = {value:g} is shown ({', '.join(self.where_shown[key])})")
        bounds = self.bounds()
        for key, (low, high) in sorted(bounds.items(), key=lambda item: repr(item[0])):
            if key in self.shown or key[0] in UNPROTECTED or self.truth[key] == 0:
                continue
            truth = self.truth[key]
            if not (low - 1e-6 <= truth <= high + 1e-6):
                found.append(f"checker: {key} = {truth:g} falls outside what it derived ({low:g} to {high:g})")
            elif high <= SMALL + 1e-6 and (key in self.where_hidden or low >= 1 - 1e-6):
                places = ", ".join(sorted(set(self.where_hidden.get(key, [])))) or "not published"
                found.append(f"{key} = {truth:g} can be worked out to {low:g}-{high:g} ({places})")
        return found


def _narrow(key, new_lo: float, new_hi: float, lo: dict, hi: dict) -> bool:
    if key[0] not in REAL:
        new_lo = new_lo if math.isinf(new_lo) or math.isnan(new_lo) else math.ceil(new_lo - 1e-9)
        new_hi = new_hi if math.isinf(new_hi) or math.isnan(new_hi) else math.floor(new_hi + 1e-9)
    changed = False
    if new_lo > lo[key] + 1e-9:
        lo[key], changed = new_lo, True
    if new_hi < hi[key] - 1e-9:
        hi[key], changed = new_hi, True
    return changed


def _total_of(values: list[float]) -> float:
    finite = [v for v in values if not math.isinf(v)]
    infinite = [v for v in values if math.isinf(v)]
    if any(v > 0 for v in infinite) and any(v < 0 for v in infinite):
        return math.nan
    return infinite[0] if infinite else sum(finite)


def _sub(a: float, b: float) -> float:
    if math.isinf(a) and math.isinf(b) and (a > 0) == (b > 0):
        return -INF if a < 0 else INF  # unbounded either way: no information
    return a - b


def parse_number(text) -> float | None:
    if text is None:
        return None
    if isinstance(text, float) and math.isnan(text):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    text = str(text).strip().replace(",", "").replace("£", "").replace("%", "")
    try:
        return float(text)
    except ValueError:
        return None


def decimals_of(text) -> float:
    """Half a unit in the last shown decimal place (0 for a whole number written without a point)."""
    text = str(text)
    if "." not in text:
        return 0.0
    return 0.5 * 10 ** -len(text.split(".")[1])
