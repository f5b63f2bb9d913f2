"""Stitch several CIN census files into one history: the rules, each applied in one place and logged.

A folder may hold several censuses: the annual returns of past years, or the monthly runs of this one. They
overlap (a child open across two years is in both years' files; a monthly run repeats the last), so:

- **Order.** The files are ordered by their Header's ReferenceDate, then its Source/DateTime (the run time:
  monthly runs of one year share a ReferenceDate), then file name. A later file is the later census.
- **A child** (LAchildID) in several files is one child: its identifiers, characteristics and disabilities are
  taken whole from the latest file holding it (a later correction wins; a disability no longer recorded goes).
- **A CIN episode** (the child and CINreferralDate) in several files is one episode, its own items (source,
  need, closure, NFA) taken from the latest file holding it. An episode only an earlier file holds (closed
  before the later census's year) is kept from that file.
- **An item below an episode** (an assessment, CIN plan, Section 47 enquiry, CP plan or review, each known by
  its episode and its start date) in several files is one item, the latest file's copy winning. Items are not
  taken whole with their episode, because each year's census carries only the items of that year: an assessment
  authorised in 2023/24 is not in the 2024/25 file of an episode still open then. So a start date corrected
  between two files leaves both copies (the DfE's own rules query such duplicates).
- Rows without a child id or referral date cannot be matched across files: each is kept from its own file, and
  the gate quarantines it (`not_null`).

Each child and episode gets a row in `stitch_log` (rule, the census year kept, what differed), which staging
decodes with seed cin_census_stitch_rule and data_quality.data_quality_census_stitching counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

# The stitching rules (a test keeps the README table and the seed equal to these).
RULES = {
    "as_returned": "in one census file only: as that file has it",
    "repeated_unchanged": "in several census files, identical in each: one copy kept",
    "latest_census_wins": "in several census files that differ: the latest file's version kept, whole "
    "(DETAIL names the years and what differed)",
}
EPISODE_ITEMS = ("referrals", "assessments", "cin_plans", "section_47", "cp_plans", "cp_reviews")
CHILD_ITEMS = ("children", "disabilities")
# What makes an item below an episode the same item in two files, beside its episode.
ITEM_KEYS = {
    "assessments": ("assessment_start_date",),
    "cin_plans": ("plan_start_date",),
    "section_47": ("s47_start_date",),
    "cp_plans": ("plan_start_date",),
    "cp_reviews": ("plan_start_date", "review_date"),
}
WHERE = ("source_file", "source_line", "census_year")


@dataclass(frozen=True)
class Census:
    """One file's Header: its name, collection year (of its ReferenceDate), ReferenceDate and run time."""

    file: str
    year: int
    reference_date: str
    created: str | None

    @property
    def order(self) -> tuple:
        return (self.reference_date, self.created or "", self.file)


class _FileRows(Protocol):
    census: Census
    tables: dict[str, list[dict]]


@dataclass
class Stitched:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    newest: str = ""


def _key(entity: str, row: dict) -> tuple | None:
    """The child (child items) or the episode (episode items) a row belongs to; None when it has no key."""
    if entity in CHILD_ITEMS:
        return (row["child_id"],) if row["child_id"] else None
    key = (row["child_id"], row["referral_date"], *(row[c] for c in ITEM_KEYS.get(entity, ())))
    return key if all(key) else None


def _content(rows: list[dict]) -> tuple:
    return tuple(sorted(tuple(sorted((k, str(v)) for k, v in r.items() if k not in WHERE)) for r in rows))


def _group(files: list[_FileRows], items: tuple[str, ...]) -> dict[tuple, list[tuple[_FileRows, dict]]]:
    """By key, in file order: each file holding it, with that file's rows of the key, by entity."""
    grouped: dict[tuple, dict[int, dict[str, list[dict]]]] = {}
    for position, f in enumerate(files):
        for entity in items:
            for row in f.tables.get(entity, []):
                key = _key(entity, row)
                if key is not None:
                    grouped.setdefault(key, {}).setdefault(position, {}).setdefault(entity, []).append(row)
    return {key: [(files[p], by_entity) for p, by_entity in sorted(held.items())] for key, held in grouped.items()}


def _differing(held: list[tuple[_FileRows, dict]]) -> set[str]:
    """The entities whose rows an earlier file sent otherwise than the latest one holding them."""
    kept = held[-1][1]
    return {
        entity
        for _, rows in held[:-1]
        for entity in rows
        if entity in kept and _content(rows[entity]) != _content(kept[entity])
    }


def _log(item: str, key: tuple, held: list[tuple[_FileRows, dict]], differ: set[str]) -> dict:
    winner = held[-1][0]
    years = sorted({f.census.year for f, _ in held})
    if len(held) == 1:
        rule, detail = "as_returned", None
    else:
        rule = "latest_census_wins" if differ else "repeated_unchanged"
        detail = f"in {len(held)} files ({', '.join(map(str, years))}); {winner.census.file} kept" + (
            f"; differed: {', '.join(sorted(differ))}" if differ else ""
        )
    return {
        "child_id": key[0],
        "item": item,
        "item_key": "|".join(str(k) for k in key),
        "census_year": str(winner.census.year),
        "rule": rule,
        "detail": detail,
    }


def stitch(files: list[_FileRows]) -> Stitched:
    """The one history the files make, and its stitch log."""
    files = sorted(files, key=lambda f: f.census.order)
    out = Stitched(newest=files[-1].census.file)
    for entity in (*CHILD_ITEMS, *EPISODE_ITEMS):  # rows that cannot be matched pass through, to be quarantined
        out.rows[entity] = [r for f in files for r in f.tables.get(entity, []) if _key(entity, r) is None]
    log = []
    for key, held in _group(files, CHILD_ITEMS).items():
        for entity, rows in held[-1][1].items():
            out.rows[entity].extend(rows)
        log.append(_log("child", key, held, _differing(held)))
    item_differences: dict[tuple, set[str]] = {}
    for entity in EPISODE_ITEMS[1:]:
        for key, held in _group(files, (entity,)).items():
            out.rows[entity].extend(held[-1][1][entity])
            item_differences.setdefault(key[:2], set()).update(_differing(held))
    for key, held in _group(files, ("referrals",)).items():
        out.rows["referrals"].extend(held[-1][1]["referrals"])
        log.append(_log("episode", key, held, _differing(held) | item_differences.get(key, set())))
    rank = {f.census.file: i for i, f in enumerate(files)}
    for entity in out.rows:  # file order, then line: the order the gate's duplicate rule reads
        out.rows[entity].sort(key=lambda r: (rank[r["source_file"]], r["source_line"]))
    out.rows["stitch_log"] = log
    return out
