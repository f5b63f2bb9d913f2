"""Stitching annual SSDA903 returns into one full history: the rules, written once (README "Importing past
SSDA903 returns" prints the same table; a test keeps them equal).

The episode rules are liiatools' (SocialFinanceDigitalLabs/liia-tools-pipeline, docs/fix_episodes.md) under
names of our own, with one change: liiatools writes its own codes (REC E99, REASON_PLACE_CHANGE LIIAF) on an
episode it closes, which are on no DfE list, so every night's gate would flag them; here REC and
REASON_PLACE_CHANGE stay blank, and stitch_log says which rule closed the episode and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ingest.contracts import Entity


@dataclass(frozen=True)
class StitchRule:
    code: str
    liiatools: str | None  # the liiatools rule it follows
    what: str


RULES = {
    rule.code: rule
    for rule in (
        StitchRule("as_returned", None, "no rule changed the episode: it is as its latest return sent it"),
        StitchRule(
            "latest_year_wins",
            None,
            "the episode (same CHILD and DECOM) is in several returns that differ in more than its closing: the "
            "latest return's values are kept (a later correction wins); DETAIL names the columns and the year",
        ),
        StitchRule(
            "redated_in_later_year",
            "RULE_3",
            "an episode left open by an earlier return and absent from the later ones, beside an episode of the "
            "same child with the same RNE, LS, PLACE, PLACE_PROVIDER, PL_POST and URN but another DECOM: its "
            "start was corrected, so the open copy is dropped",
        ),
        StitchRule(
            "replaced_in_later_year",
            "RULE_3A",
            "an episode left open by an earlier return and absent from the later ones, after an episode a later "
            "return sent: the later return rewrote the child's history, so the open episode is dropped",
        ),
        StitchRule(
            "closed_at_next_episode",
            "RULE_1",
            "an episode left open by an earlier return and absent from the later ones, followed by an episode "
            "that continues care (RNE not S): it ends (DEC) on the next DECOM with REC X1",
        ),
        StitchRule(
            "closed_before_next_period",
            "RULE_1A",
            "as closed_at_next_episode, but the next episode starts a new period of care (RNE S): it ends on "
            "the earlier of its return's 31 March and the day before the next DECOM, REC blank",
        ),
        StitchRule(
            "closed_at_year_end",
            "RULE_2",
            "an episode left open by an earlier return, absent from the later ones and with no later episode: "
            "it ends on its return's 31 March (the last day it is known to be looked after), REC blank",
        ),
        StitchRule(
            "overlap_trimmed",
            "RULE_4",
            "an episode that ends after the child's next episode starts, that next episode from a later return: "
            "it ends on the next DECOM",
        ),
        StitchRule(
            "x1_gap_closed",
            "RULE_5",
            "an episode ending with REC X1 (care continues) before the child's next episode starts, that next "
            "episode from a later return: it ends on the next DECOM",
        ),
    )
}
CLOSING = ("dec", "rec", "reason_place_change")  # filled in by a later return when an open episode ends
SAME_EPISODE = ("rne", "ls", "place", "place_provider", "pl_post", "urn")  # liiatools' duplicate test
SEX_CODES = {"1": "M", "2": "F"}
# A later return that leaves a child's value blank has not corrected it: a care leaver listed in the header
# for OC3, or a child on short breaks only, is sent without MOTHER (DOMAIN.md 2.7).
KEEP_EARLIER_VALUES = {"header"}  # the 903's coding up to 2023/24, as staging reads it (DOMAIN.md 3.1)


@dataclass
class Stitched:
    tables: dict[str, pd.DataFrame]  # entity -> rows in its contract's raw columns, canonical text
    log: pd.DataFrame  # CHILD, DECOM, SOURCE_YEAR, RULE, DETAIL


def union_latest(frames: dict[int, pd.DataFrame], entity: Entity) -> pd.DataFrame:
    """Every year's rows, one per contract key, the latest year's winning."""
    columns = [c.raw_name for c in entity.columns]
    years = [f.assign(source_year=y) for y, f in sorted(frames.items()) if not f.empty]
    if not years:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    rows = pd.concat(years, ignore_index=True)
    key = [k.lower() for k in entity.key] or columns
    rows = rows.sort_values("source_year", kind="stable")
    if entity.name in KEEP_EARLIER_VALUES:
        # groupby's last() skips blanks: each column's value from the latest return that gave one.
        rows = rows.groupby(key, sort=False, as_index=False).last()
    else:
        rows = rows.drop_duplicates(key, keep="last")
    if "sex" in rows.columns:
        rows["sex"] = rows["sex"].replace(SEX_CODES)
    return rows.sort_values(key, kind="stable")[columns].reset_index(drop=True)


def _corrections(rows: pd.DataFrame, latest: pd.DataFrame) -> list[tuple]:
    """Episodes an earlier return sent differently (beyond closing an open episode): the columns and year."""
    earlier = rows.drop(latest.index).merge(latest, on=["child", "decom"], suffixes=("", "_latest"))
    found: dict[tuple[str, str, int], str] = {}
    for column in [c for c in latest.columns if c not in ("child", "decom", "source_year")]:
        before, after = earlier[column], earlier[f"{column}_latest"]
        differs = before.fillna("\0") != after.fillna("\0")
        if column in CLOSING:
            differs &= before.notna()
        for row in earlier[differs].itertuples():
            key = (row.child, row.decom, row.source_year_latest)
            was = getattr(row, column)
            was = "blank" if pd.isna(was) else was
            found[key] = f"{found.get(key, '')}; {column.upper()} was {was} in {row.source_year}"
    return [(*key, "latest_year_wins", detail.lstrip("; ")) for key, detail in found.items()]


def _neighbours(episodes: pd.DataFrame) -> pd.DataFrame:
    episodes = episodes.sort_values(["child", "decom"], kind="stable").reset_index(drop=True)
    same_child = episodes["child"].eq(episodes["child"].shift(-1))
    for column in ["decom", "rne", "source_year", *SAME_EPISODE]:
        episodes[f"next_{column}"] = episodes[column].shift(-1).where(same_child)
    prev_child = episodes["child"].eq(episodes["child"].shift(1))
    for column in ["decom", "source_year", *SAME_EPISODE]:
        episodes[f"prev_{column}"] = episodes[column].shift(1).where(prev_child)
    return episodes


def _equal(a, b) -> bool:
    """Blank equals blank (liiatools' _is_the_same); pandas' NA compares as neither true nor false."""
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return a == b


def _same(row, side: str) -> bool:
    return all(_equal(getattr(row, c), getattr(row, f"{side}_{c}")) for c in SAME_EPISODE)


def _day_before(iso: str) -> str:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def _close_open(episodes: pd.DataFrame, latest_year: int, log: list[tuple]) -> pd.DataFrame:
    """Stage 1: an episode left open by a return before the latest, which no later return sent."""
    episodes = _neighbours(episodes)
    drop = []
    for row in episodes[episodes["dec"].isna() & (episodes["source_year"] < latest_year)].itertuples():
        year_end = f"{row.source_year}-03-31"
        has_next, has_prev = pd.notna(row.next_decom), pd.notna(row.prev_decom)
        if (has_next and _same(row, "next")) or (has_prev and _same(row, "prev")):
            rule, detail = "redated_in_later_year", "dropped: the same episode is sent with another DECOM"
        elif has_prev and row.prev_source_year > row.source_year:
            later = int(row.prev_source_year)
            rule, detail = "replaced_in_later_year", f"dropped: the {later} return has no such episode"
        elif not has_next:
            rule, detail = "closed_at_year_end", f"DEC set to {year_end}, REC blank"
            episodes.loc[row.Index, "dec"] = year_end
        elif row.next_rne == "S":
            dec = min(year_end, _day_before(row.next_decom))
            rule, detail = "closed_before_next_period", f"DEC set to {dec}, REC blank"
            episodes.loc[row.Index, "dec"] = dec
        else:
            rule, detail = "closed_at_next_episode", f"DEC set to {row.next_decom}, REC X1"
            episodes.loc[row.Index, ["dec", "rec"]] = [row.next_decom, "X1"]
        log.append((row.child, row.decom, row.source_year, rule, detail))
        if rule.startswith(("redated", "replaced")):
            drop.append(row.Index)
    return episodes.drop(index=drop)


def _trim(episodes: pd.DataFrame, log: list[tuple]) -> pd.DataFrame:
    """Stage 2: overlaps and X1 gaps against a next episode that a later return sent."""
    episodes = _neighbours(episodes[[c for c in episodes.columns if not c.startswith(("next_", "prev_"))]])
    later = (
        episodes["next_decom"].notna()
        & episodes["dec"].notna()
        & (episodes["next_source_year"] > episodes["source_year"])
    )
    overlap = later & (episodes["dec"] > episodes["next_decom"])
    gap = later & (episodes["dec"] < episodes["next_decom"]) & episodes["rec"].eq("X1")
    for rule, mask in (("overlap_trimmed", overlap), ("x1_gap_closed", gap)):
        for row in episodes[mask].itertuples():
            log.append((row.child, row.decom, row.source_year, rule, f"DEC {row.dec} set to {row.next_decom}"))
        episodes.loc[mask, "dec"] = episodes.loc[mask, "next_decom"]
    return episodes


def stitch_episodes(frames: dict[int, pd.DataFrame], entity: Entity) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stitched episodes (contract columns) and the stitch log, one row per episode and rule."""
    columns = [c.raw_name for c in entity.columns]
    rows = pd.concat([f.assign(source_year=y) for y, f in sorted(frames.items())], ignore_index=True)
    rows = rows.sort_values(["child", "decom", "source_year"], kind="stable")
    latest = rows.drop_duplicates(["child", "decom"], keep="last")
    log = _corrections(rows, latest)
    episodes = _trim(_close_open(latest, max(frames), log), log)
    changed = {(c, d) for c, d, *_ in log}
    log += [
        (row.child, row.decom, row.source_year, "as_returned", f"from the {row.source_year} return")
        for row in episodes.itertuples()
        if (row.child, row.decom) not in changed
    ]
    stitch_log = pd.DataFrame(log, columns=["CHILD", "DECOM", "SOURCE_YEAR", "RULE", "DETAIL"])
    stitch_log = stitch_log.sort_values(["CHILD", "DECOM", "RULE"], kind="stable").reset_index(drop=True)
    return episodes.sort_values(["child", "decom"])[columns].reset_index(drop=True), stitch_log


def stitch(years: dict[int, dict[str, pd.DataFrame]], entities: dict[str, Entity]) -> Stitched:
    """All years' tables into one full history, by the rules above."""
    tables = {}
    for name, entity in entities.items():
        frames = {year: tables_[name] for year, tables_ in years.items() if name in tables_}
        if name == "episodes":
            tables[name], log = stitch_episodes(frames, entity)
        else:
            tables[name] = union_latest(frames, entity)
    return Stitched(tables, log)


def markdown_table() -> str:
    """The rules as the README shows them (a test keeps the two the same)."""
    lines = ["| rule | liiatools | what it does |", "|---|---|---|"]
    lines += [f"| `{r.code}` | {r.liiatools or '-'} | {r.what} |" for r in RULES.values()]
    return "\n".join(lines)
