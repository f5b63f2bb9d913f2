import pandas as pd

from expectations.common import (
    UPN_OR_UNKNOWN,
    SuiteContext,
    contract_expectations,
    end_not_before_start,
    expect,
    flagged,
    known_in,
    not_in_future,
    suite,
)
from ingest.contracts import entities_for


def overlaps_previous_episode(episodes: pd.DataFrame) -> pd.Series:
    """True where an episode starts before the child's previous episode ended (or while it is open)."""
    ordered = episodes.sort_values(["child", "decom"])
    previous = ordered.groupby("child")[["decom", "dec"]].shift()
    has_previous = ordered.groupby("child").cumcount() > 0
    # Two episodes with the same start are a duplicated key (quarantined), not an overlap.
    overlap = (
        has_previous
        & (ordered["decom"] != previous["decom"])
        & (previous["dec"].isna() | (ordered["decom"] < previous["dec"]))
    )
    return overlap.reindex(episodes.index)


def born_after_start(episodes: pd.DataFrame, header: pd.DataFrame) -> pd.Series:
    """True where the child's DOB in the header is after the episode's DECOM."""
    dob = episodes["child"].map(header.dropna(subset=["child"]).drop_duplicates("child").set_index("child")["dob"])
    return (dob > episodes["decom"]).fillna(False)


# The tables whose rows are intervals, (end, start): one ending before it starts cannot be placed on a timeline.
INTERVALS = {
    "missing": ("MIS_END", "MIS_START"),
    "placed_for_adoption": ("DATE_PLACED_CEASED", "DATE_PLACED"),
    "sw_episodes": ("SW_DEC", "SW_DECOM"),
    "dolo": ("DOLO_END", "DOLO_START"),
}


def suites(ctx: SuiteContext) -> dict:
    # An optional table the extract lacks has no frame, and nothing to check.
    entities = {e.name: e for e in entities_for("placements") if e.name in ctx.frames}
    header, episodes = ctx.frames["header"], ctx.frames["episodes"]
    children = set(header["child"].dropna())
    extra = {
        "header": [
            not_in_future("DOB", ctx),
            expect("ExpectColumnValuesToMatchRegex", "upn_format", "UPN", column="upn", regex=UPN_OR_UNKNOWN),
        ],
        "episodes": [
            end_not_before_start("DEC", "DECOM"),
            not_in_future("DECOM", ctx),
            flagged(ctx, "episodes", "episode_overlap", "DECOM", ~overlaps_previous_episode(episodes)),
            flagged(ctx, "episodes", "born_after_episode_start", "DECOM", ~born_after_start(episodes, header)),
            known_in(ctx, "episodes", "CHILD", children, "unknown_child"),
        ],
    }
    for name in entities.keys() - extra.keys():
        # Every table but the header is about a child the header must hold.
        interval = [end_not_before_start(*INTERVALS[name])] if name in INTERVALS else []
        extra[name] = [*interval, known_in(ctx, name, "CHILD", children, "unknown_child")]
    return {
        f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra[name])
        for name, e in entities.items()
    }
