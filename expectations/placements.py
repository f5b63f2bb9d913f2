import pandas as pd

from expectations.common import (
    UPN_OR_UNKNOWN,
    SuiteContext,
    contract_expectations,
    end_not_before_start,
    expect,
    known_in,
    not_in_future,
    suite,
)
from ingest.contracts import entities_for


def overlaps_previous_episode(episodes: pd.DataFrame) -> pd.Series:
    """True where an episode starts before the child's previous episode ended (or while it is open)."""
    ordered = episodes.sort_values(["child", "decom"])
    previous_end = ordered.groupby("child")["dec"].shift()
    has_previous = ordered.groupby("child").cumcount() > 0
    overlap = has_previous & (previous_end.isna() | (ordered["decom"] < previous_end))
    return overlap.reindex(episodes.index)


def suites(ctx: SuiteContext) -> dict:
    entities = {e.name: e for e in entities_for("placements")}
    children = set(ctx.frames["header"]["child"].dropna())
    episodes = ctx.frames["episodes"]
    ctx.extra_columns.setdefault("episodes", {})["_overlaps_previous"] = overlaps_previous_episode(episodes)
    extra = {
        "header": [not_in_future("DOB", ctx),
                   expect("ExpectColumnValuesToMatchRegex", "upn_format", "UPN", blocking=False,
                          column="upn", regex=UPN_OR_UNKNOWN)],
        "episodes": [end_not_before_start("DEC", "DECOM"),
                     expect("ExpectColumnValuesToBeInSet", "episode_overlap", "DECOM",
                            column="_overlaps_previous", value_set=[False]),
                     known_in(ctx, "episodes", "CHILD", children, "unknown_child")],
        "uasc": [known_in(ctx, "uasc", "CHILD", children, "unknown_child")],
        "reviews": [known_in(ctx, "reviews", "CHILD", children, "unknown_child")],
        "missing": [end_not_before_start("MIS_END", "MIS_START"),
                    known_in(ctx, "missing", "CHILD", children, "unknown_child")],
    }
    return {f"raw_{e.token}": suite(f"raw_{e.token}", contract_expectations(e) + extra[name])
            for name, e in entities.items()}
