"""The reader's arithmetic: interval bounds on withheld counts from every sum shown, and the search for
the secondary cells that keep every withheld count's upper bound above 5."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from outputs.report.suppression.cells import LARGEST, DisclosureError

_EPS = 1e-9


@dataclass
class Sums:
    """Figures that add up, as one published table (or several showing the same figures) shows them.

    Every cell has its true value and a bundle (the cells withheld together, usually a row); `sums`
    holds (total, parts, exact): total = sum of parts, or total >= sum of parts when not exact.
    Protected cells are counts that must not be bounded to 1-5; real cells are not whole numbers (a
    yearly average of placements); a fixed bundle is published elsewhere and cannot be withheld here;
    unpublished cells (the rest of a total its listed parts do not reach) are never shown.
    """

    values: dict = field(default_factory=dict)
    bundles: dict = field(default_factory=dict)
    protected: set = field(default_factory=set)
    real: set = field(default_factory=set)
    fixed: set = field(default_factory=set)
    unpublished: set = field(default_factory=set)
    sums: list = field(default_factory=list)

    def cell(self, key, value, bundle=None, protected: bool = True, real: bool = False) -> None:
        value = 0.0 if value is None or pd.isna(value) else float(value)
        self.values[key] = value
        self.bundles[key] = key if bundle is None else bundle
        if protected:
            self.protected.add(key)
        if real:
            self.real.add(key)

    def add_sum(self, total, parts: Iterable) -> None:
        """total = sum(parts). Parts adding up to less than the total get the rest as an unseen part."""
        parts = [p for p in parts if p != total]
        if not parts:
            return
        rest = self.values[total] - sum(self.values[p] for p in parts)
        if rest > _EPS:
            unseen = ("unseen part of", total)
            self.cell(unseen, rest, bundle=unseen, real=total in self.real)
            self.fixed.add(unseen)
            self.unpublished.add(unseen)
            parts.append(unseen)
        self.sums.append((total, tuple(parts), True))

    def add_at_least(self, total, parts: Iterable) -> None:
        """total >= sum(parts): a numerator within its denominator, starts within 1 or 4 weeks among
        those within 18."""
        parts = [p for p in parts if p != total]
        if parts:
            self.sums.append((total, tuple(parts), False))

    def hidden_keys(self, hidden_bundles: set) -> set:
        hidden_bundles = set(hidden_bundles) | self.unpublished
        return {key for key, bundle in self.bundles.items() if bundle in hidden_bundles}

    def bounds(self, hidden: set) -> tuple[dict, dict]:
        """The reader's interval for every cell when the cells in `hidden` are withheld."""
        lo, hi = {}, {}
        for key, value in self.values.items():
            if key not in hidden or value == 0:
                lo[key] = hi[key] = value  # shown, or a zero (the reader is granted every zero)
            else:
                lo[key], hi[key] = (0.0 if key in self.real else 1.0), math.inf
        derived = self._withheld_sums(hidden)
        for _ in range(200):
            changed = False
            for cells, rest in derived:
                lows = sum(lo[c] for c in cells)
                highs = sum(hi[c] for c in cells)
                for cell in cells:
                    others_hi = _without(highs, hi[cell], [hi[c] for c in cells if c != cell])
                    changed |= self._narrow(cell, rest - others_hi, rest - (lows - lo[cell]), lo, hi)
            for total, parts, exact in self.sums:
                lows = sum(lo[p] for p in parts)
                highs = sum(hi[p] for p in parts)
                if total in hidden:
                    changed |= self._narrow(total, lows, highs if exact else math.inf, lo, hi)
                for part in parts:
                    if part not in hidden:
                        continue
                    others_lo = lows - lo[part]
                    others_hi = _without(highs, hi[part], [hi[p] for p in parts if p != part])
                    changed |= self._narrow(
                        part, lo[total] - others_hi if exact else -math.inf, hi[total] - others_lo, lo, hi
                    )
            if not changed:
                break
        return lo, hi

    def _withheld_sums(self, hidden: set, limit: int = 400) -> list[tuple[frozenset, float]]:
        """What the withheld cells add up to, as (cells, sum) pairs: from each sum with a known total,
        with a withheld subtotal replaced by its own parts, and one such sum taken from another whose
        cells include its cells (their difference is a sum over the rest)."""
        unknown = {key for key in hidden if self.values[key] != 0}
        exact = [(total, parts) for total, parts, is_exact in self.sums if is_exact]
        parts_of = {total: parts for total, parts in exact if total in unknown}
        found: dict[frozenset, float] = {}
        queue = []
        for total, parts in exact:
            if total not in unknown:
                queue.append(
                    (
                        {p for p in parts if p in unknown},
                        self.values[total] - sum(self.values[p] for p in parts if p not in unknown),
                    )
                )
        while queue and len(found) < limit:
            cells, rest = queue.pop()
            cells = frozenset(cells)
            if not cells or cells in found:
                continue
            found[cells] = rest
            for cell in cells & parts_of.keys():  # a withheld subtotal: use its parts instead
                parts = parts_of[cell]
                queue.append(
                    (
                        (cells - {cell}) | {p for p in parts if p in unknown},
                        rest - sum(self.values[p] for p in parts if p not in unknown),
                    )
                )
            for other, other_rest in list(found.items()):
                if other < cells:
                    queue.append((cells - other, rest - other_rest))
                elif cells < other:
                    queue.append((other - cells, other_rest - rest))
        return list(found.items())

    def _narrow(self, key, new_lo, new_hi, lo, hi) -> bool:
        if key not in self.real:
            new_lo = new_lo if math.isinf(new_lo) else math.ceil(new_lo - _EPS)
            new_hi = new_hi if math.isinf(new_hi) else math.floor(new_hi + _EPS)
        changed = False
        if new_lo > lo[key] + _EPS:
            lo[key], changed = new_lo, True
        if new_hi < hi[key] - _EPS:
            hi[key], changed = new_hi, True
        return changed

    def disclosed(self, hidden_bundles: set) -> list:
        """Withheld non-zero protected cells the reader can bound by 5, in a fixed order."""
        hidden = self.hidden_keys(hidden_bundles)
        _, hi = self.bounds(hidden)
        return sorted(
            (key for key in hidden & self.protected if self.values[key] > 0 and hi[key] <= LARGEST + _EPS), key=repr
        )

    def protect(self, primary: Iterable) -> set:
        """The bundles to withhold: `primary` and as few more as the rule needs (see the module docstring)."""
        withheld = set(primary)
        for _ in range(len(set(self.bundles.values())) + 1):
            leaks = self.disclosed(withheld)
            if not leaks:
                return withheld
            withheld.add(self._next_bundle(leaks[0], withheld))
        raise DisclosureError("secondary suppression did not settle")  # pragma: no cover

    def _next_bundle(self, leak, withheld: set, tries: int = 12):
        """The bundle to withhold next for `leak`.

        Candidates, in order: the smallest shown non-zero part (else the total) of the sum that bounds
        `leak` most tightly, then of the next; when a sum has nothing left, the sums around its other
        withheld cells (a lone small line under its group opens the total above the group). The first
        candidate that lifts the bound on `leak` above 5 is taken, else the first.
        """
        hidden = self.hidden_keys(withheld)
        lo, hi = self.bounds(hidden)
        candidates: list = []
        frontier, reached, used = [leak], {leak}, set()
        while frontier:
            binding = []
            for key in frontier:
                for number, (total, parts, exact) in enumerate(self.sums):
                    if number in used:
                        continue
                    if key == total and exact:
                        tightness = sum(hi[p] for p in parts)
                    elif key in parts:
                        tightness = hi[total] - sum(lo[p] for p in parts if p != key)
                    else:
                        continue
                    binding.append((tightness, number))
            frontier = []
            for _, number in sorted(binding):
                if number in used:
                    continue
                used.add(number)
                total, parts, _ = self.sums[number]
                shown = sorted(
                    (p for p in parts if self._can_withhold(p, hidden)), key=lambda p: (self.values[p], repr(p))
                )
                if self._can_withhold(total, hidden):
                    shown.append(total)
                candidates += [self.bundles[p] for p in shown if self.bundles[p] not in candidates]
                for key in (total, *parts):
                    if key in hidden and key not in reached:
                        reached.add(key)
                        frontier.append(key)
        if not candidates:
            raise DisclosureError(f"{leak!r} can be worked out to 1-5 and nothing is left to withhold beside it")
        for bundle in candidates[:tries]:
            if self.bounds(self.hidden_keys(withheld | {bundle}))[1][leak] > LARGEST + _EPS:
                return bundle
        return candidates[0]

    def _can_withhold(self, key, hidden: set) -> bool:
        return key not in hidden and self.values[key] > 0 and self.bundles[key] not in self.fixed


def _without(total: float, value: float, others: list[float]) -> float:
    """sum(others) given total = sum(others) + value (inf-safe)."""
    if math.isinf(total):
        return math.inf if any(math.isinf(o) for o in others) else sum(others)
    return total - value
