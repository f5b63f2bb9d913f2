"""Data-quality faults planted in the synthetic extracts at the rates councils see (`generate(faults="realistic")`).

Real extracts are never clean, and the load gate (ingest/rules.py) and the data-quality marts are there to
show it; this module gives the demo something to catch. Every fault is a row or flag problem of the gate,
never a structural one: no file or column goes missing and no row is ragged.

Deterministic and consistent across nights. Which rows get a fault is decided once, from the seed and the
rows' keys in the latest night's clean extract (a keyed hash, ranked, so each rate is met exactly on that
night), then applied to every night on which the row exists. A fault seen one night is therefore still
there on every later night. The one fault that is by nature one night only is finance running a day ahead
of case: those commitments exist on the latest night only, and the case system would hold the children by
the next one.

The rates are the constants below, each with why; tests/synthetic/test_faults.py counts them back from the
written files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ingest.contracts import all_entities

from .common import pick, sub_rng
from .finance import WEEKLY
from .placements import TEMPORARY

FAULT_MODES = ("none", "realistic")

# ---------------------------------------------------------------- the rates, in one place
# The figures are the "rates councils see"; each is a share of the file (or of its children) on
# the latest night, met to the nearest row.
# Children with episodes given one overlapping episode (it starts before the previous one ended, or the
# previous one was never closed): 1%, a handful of children in a county's few thousand.
OVERLAP_CHILD_SHARE = 0.01
# At most this many days between the backdated start of an overlapping episode and the previous one's end.
OVERLAP_MAX_DAYS = 30
# reviews.csv rows written twice, verbatim, as a report with a fanning join writes them: 0.5%.
DUPLICATE_REVIEW_SHARE = 0.005
# header.csv UPNs malformed (a digit dropped or added, I/O/S as the first letter, UN6): 2%, keying errors
# in a number nobody checks until the return's rule 168 queries it (a warning at the gate, never a refusal).
MALFORMED_UPN_SHARE = 0.02
# Values of each targeted non-key code column replaced by a code not on its DfE list: a handful, 0.1% of
# the file's rows and at least one (loaded and flagged, decoded as unknown).
UNKNOWN_CODE_SHARE = 0.001
# Rows of a file given a row fault, per targeted column (an unparseable date in a non-key date column, a
# blank required value): 0.2%, so a file with two targets loses 0.4% to quarantine, far below the gate's
# 5% refusal share (warehouse/settings.py GATE_QUARANTINE_MAX_SHARE). At least one row per target.
ROW_FAULT_SHARE = 0.002
# Commitments on the latest night for children the case system does not hold yet: 4 per county (scale 1),
# never fewer than 3 (the "3-5"), as finance keys a day's new placements before case has the child.
FINANCE_AHEAD_PER_SCALE = 4
FINANCE_AHEAD_MIN = 3

# Codes a keying slip or a stale pick list produces, none of them on the seeded lists.
UNKNOWN_CODES = {
    ("placements", "episodes", "PLACE"): ("U7", "Z2", "T5"),
    ("placements", "episodes", "REC"): ("E99", "E10", "X2"),
    ("case", "children", "ethnicity"): ("WBR", "MIXD", "OTHR"),
}
# Row faults: (source, file, column, kind). Files whose rows stand alone, so a quarantined row costs one
# referral, review or commitment and never breaks an episode sequence.
ROW_FAULTS = (
    ("case", "referrals", "assessment_authorised_date", "date"),
    ("case", "referrals", "referral_date", "blank"),
    ("placements", "reviews", "DOB", "date"),
    ("finance", "placement_commitments", "end_date", "date"),
    ("finance", "placement_commitments", "weekly_cost", "blank"),
)
# Ways a date comes out of a system unparseable (neither YYYY-MM-DD nor DD/MM/YYYY).
BAD_DATE_STYLES = ("dots", "compact", "impossible")
# Budget lines of the day-ahead commitments: the usual new placements.
FINANCE_AHEAD_LINES = {"IFA": 50, "INHOUSE_FOSTERING": 30, "KINSHIP": 10, "RES_HOME": 10}

Extract = dict[str, dict[str, pd.DataFrame]]  # source -> file stem -> frame, as `snapshots` returns it
KEYS = {(e.source, e.name): list(e.key) for e in all_entities()}


@dataclass
class Plan:
    """The faults to plant, by row key, decided from the latest night's clean extract."""

    # (source, file) -> [(column, kind, {row key: value})]; kind "set", "blank" or "date" (value = style)
    cells: dict[tuple[str, str], list[tuple[str, str, dict[str, str]]]] = field(default_factory=dict)
    # episodes left open: key of the episode -> key of the later episode whose presence makes it an overlap
    reopen: dict[str, str] = field(default_factory=dict)
    # (source, file) -> row keys written twice
    duplicates: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # (source, file) -> rows appended on the latest night only
    latest_rows: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def files(self) -> set[tuple[str, str]]:
        return (
            set(self.cells)
            | set(self.duplicates)
            | set(self.latest_rows)
            | ({("placements", "episodes")} if self.reopen else set())
        )

    def summary(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts.items())


# ---------------------------------------------------------------- choosing rows
def _draws(keys: np.ndarray, seed: int, name: str) -> np.ndarray:
    """A uniform 64-bit draw per key, fixed by the seed and the fault's name (the same on every night)."""
    hash_key = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).hexdigest()  # 16 characters
    return pd.util.hash_array(np.asarray(keys, dtype=object), hash_key=hash_key, categorize=False)


def _choose(keys, k: int, seed: int, name: str) -> list[str]:
    """The k keys with the smallest draws: exactly k, and the same keys whatever order they come in."""
    keys = np.sort(pd.unique(np.asarray(keys, dtype=object)).astype(str))
    if k <= 0 or not len(keys):
        return []
    order = np.argsort(_draws(keys, seed, name), kind="stable")
    return [str(x) for x in keys[order[:k]]]


def _variant(keys, options, seed: int, name: str) -> list:
    keys = list(keys)
    if not keys:
        return []
    return [options[i] for i in (_draws(np.asarray(keys, dtype=object), seed, name) % len(options)).astype(int)]


def _keys(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    key = df[columns[0]].astype(str)
    for c in columns[1:]:
        key = key + "|" + df[c].astype(str)
    return key


def _share(rate: float, n: int, at_least: int = 0) -> int:
    return max(at_least, int(round(rate * n))) if n else 0


def bad_date(value: str, style: str) -> str:
    """An ISO date written so that neither landing format reads it."""
    y, m, d = value[:4], value[5:7], value[8:10]
    if style == "compact":
        return f"{y}{m}{d}"
    if style == "impossible" and m in ("02", "04", "06", "09", "11"):
        return f"{y}-{m}-{'30' if m == '02' else '31'}"  # 30 February, 31 June: a day the month lacks
    return f"{d}.{m}.{y}"


# ---------------------------------------------------------------- the plan
Touched = dict[tuple[str, str], set[str]]  # (source, file) -> row keys already given a fault


def plan_faults(latest: Extract, world: dict, *, night: date, seed: int, scale: float) -> Plan:
    """Decide every fault from the clean extract of the latest night, `night`."""
    p = Plan()
    touched: Touched = {}
    # The order matters: a later fault avoids the rows an earlier one touched.
    overlap_children = _plan_overlaps(p, touched, latest, seed)
    _plan_duplicate_reviews(p, touched, latest, seed)
    _plan_malformed_upns(p, touched, latest, world, seed)
    _plan_unknown_codes(p, touched, latest, overlap_children, seed)
    _plan_row_faults(p, touched, latest, seed)
    # Finance a day ahead of case: commitments starting on the latest night for children no extract holds yet.
    ahead = _finance_ahead(latest, world, night=night, seed=seed, scale=scale)
    p.latest_rows[("finance", "placement_commitments")] = ahead
    p.counts["commitments ahead of case"] = len(ahead)
    return p


def _add(p: Plan, touched: Touched, source: str, name: str, column: str, kind: str, values: dict[str, str]) -> None:
    p.cells.setdefault((source, name), []).append((column, kind, values))
    touched.setdefault((source, name), set()).update(values)


def _plan_overlaps(p: Plan, touched: Touched, latest: Extract, seed: int) -> set[str]:
    """Overlapping episodes; returns the children chosen, whom the code faults keep away from.

    Per chosen child, one episode j that has a previous episode j-1; either j starts before j-1 ended
    ("early": j's DECOM moved back inside j-1) or j-1 is left open ("open").
    """
    ep = latest["placements"]["episodes"]
    key = _keys(ep, KEYS[("placements", "episodes")])
    decom = pd.to_datetime(ep["DECOM"]).to_numpy().astype("datetime64[D]").astype("int64")
    dec = pd.to_datetime(ep["DEC"].where(ep["DEC"] != "")).to_numpy().astype("datetime64[D]")
    frame = pd.DataFrame(
        {
            "child": ep["CHILD"].to_numpy(),
            "key": key.to_numpy(),
            "decom": decom,
            "dec": np.where(np.isnat(dec), np.nan, dec.astype("int64")).astype(float),
        }
    )
    frame = frame.sort_values(["child", "decom"], kind="stable").reset_index(drop=True)
    frame["prev_key"] = frame.groupby("child")["key"].shift()
    frame["prev_decom"] = frame.groupby("child")["decom"].shift()
    frame["prev_dec"] = frame.groupby("child")["dec"].shift()
    cand = frame[frame["prev_key"].notna()].copy()
    children = _choose(cand["child"], _share(OVERLAP_CHILD_SHARE, ep["CHILD"].nunique()), seed, "overlap")
    cand = cand[cand["child"].isin(children)]
    cand["draw"] = _draws(cand["key"].to_numpy(), seed, "overlap:episode")
    chosen = cand.sort_values(["child", "draw"], kind="stable").groupby("child").head(1)
    early: dict[str, str] = {}
    for row, style in zip(
        chosen.itertuples(index=False), _variant(chosen["key"], ("early", "open"), seed, "overlap:kind"), strict=True
    ):
        room = row.prev_dec - row.prev_decom - 1  # days j may start inside j-1, after its DECOM
        if style == "early" and room >= 1:
            back = 1 + int(
                _draws(np.array([row.key], dtype=object), seed, "overlap:days")[0] % min(OVERLAP_MAX_DAYS, int(room))
            )
            early[row.key] = str(np.datetime64(int(row.prev_dec) - back, "D"))
        else:
            p.reopen[row.prev_key] = row.key
    if early:
        _add(p, touched, "placements", "episodes", "DECOM", "set", early)
    p.counts["children with an overlapping episode"] = len(chosen)
    return set(chosen["child"])


def _plan_duplicate_reviews(p: Plan, touched: Touched, latest: Extract, seed: int) -> None:
    rv = latest["placements"]["reviews"]
    rv_key = _keys(rv, KEYS[("placements", "reviews")])
    dup = set(_choose(rv_key, _share(DUPLICATE_REVIEW_SHARE, len(rv)), seed, "duplicate_review"))
    p.duplicates[("placements", "reviews")] = dup
    touched.setdefault(("placements", "reviews"), set()).update(dup)
    p.counts["duplicated review rows"] = len(dup)


def _plan_malformed_upns(p: Plan, touched: Touched, latest: Extract, world: dict, seed: int) -> None:
    """Malformed UPNs, made from the child's true UPN so the same wrong value is sent every night."""
    hd = latest["placements"]["header"]
    bad = _choose(hd["CHILD"], _share(MALFORMED_UPN_SHARE, len(hd)), seed, "upn")
    true_upn = world["placements"]["children"].set_index("child_id")["upn"]
    sent = hd.set_index("CHILD")["UPN"]
    upns = {}
    for child, style, digit, letter in zip(
        bad,
        _variant(bad, ("short", "long", "letter", "un6"), seed, "upn:kind"),
        _variant(bad, "0123456789", seed, "upn:digit"),
        _variant(bad, "IOS", seed, "upn:letter"),
        strict=True,
    ):
        real = true_upn[child]
        if style == "un6" or sent[child].startswith("UN"):
            upns[child] = "UN6"  # an unknown-UPN code the DfE never issued (only UN1-UN5)
        elif style == "short":
            upns[child] = real[:-1]  # a character dropped: 12 long
        elif style == "long":
            upns[child] = real + digit  # a digit keyed twice: 14 long
        else:
            upns[child] = letter + real[1:]  # I, O and S are never a UPN's first letter
    _add(p, touched, "placements", "header", "UPN", "set", upns)
    p.counts["malformed UPNs"] = len(upns)


def _plan_unknown_codes(p: Plan, touched: Touched, latest: Extract, overlap_children: set[str], seed: int) -> None:
    """Unknown codes in non-key code columns."""
    for (source, name, column), options in UNKNOWN_CODES.items():
        df = latest[source][name]
        k = _keys(df, KEYS[(source, name)])
        ok = (df[column] != "") & ~k.isin(touched.get((source, name), set()))
        if name == "episodes":
            # away from the overlaps, and never on a temporary placement (its structure rules stay intact)
            ok &= ~df["CHILD"].isin(overlap_children) & ~df["PLACE"].isin(TEMPORARY)
        rows = _choose(k[ok], _share(UNKNOWN_CODE_SHARE, len(df), at_least=1), seed, f"code:{name}:{column}")
        values = dict(zip(rows, _variant(rows, options, seed, f"code:{column}"), strict=True))
        _add(p, touched, source, name, column, "set", values)
        p.counts[f"unknown {column} codes"] = len(rows)


def _plan_row_faults(p: Plan, touched: Touched, latest: Extract, seed: int) -> None:
    """Row faults: unparseable dates and blank required values."""
    for source, name, column, kind in ROW_FAULTS:
        df = latest[source][name]
        k = _keys(df, KEYS[(source, name)])
        ok = (df[column] != "") & ~k.isin(touched.get((source, name), set()))
        rows = _choose(k[ok], _share(ROW_FAULT_SHARE, len(df), at_least=1), seed, f"row:{name}:{column}")
        styles = _variant(rows, BAD_DATE_STYLES, seed, f"row:{column}") if kind == "date" else [""] * len(rows)
        _add(p, touched, source, name, column, kind, dict(zip(rows, styles, strict=True)))
        p.counts[f"{'unparseable' if kind == 'date' else 'blank'} {column}"] = len(rows)


def _finance_ahead(latest: Extract, world: dict, *, night: date, seed: int, scale: float) -> pd.DataFrame:
    rng = sub_rng(seed, "faults")
    n = max(FINANCE_AHEAD_MIN, int(round(FINANCE_AHEAD_PER_SCALE * scale)))
    com = latest["finance"]["placement_commitments"]
    known = set(world["case"]["children"]["child_id"]) | set(world["placements"]["children"]["child_id"])
    known |= set(com["child_id"])
    ids: list[str] = []
    while len(ids) < n:
        for c in np.char.add("C", rng.integers(10_000_000, 100_000_000, size=n).astype(str)):
            if c not in known and c not in ids and len(ids) < n:
                ids.append(str(c))
    lines = pick(rng, FINANCE_AHEAD_LINES, size=n)
    cost = [WEEKLY[s][0] * (1 + WEEKLY[s][1] * rng.uniform(-1, 1)) for s in lines]
    providers = []
    for line in lines:
        same = np.sort(com.loc[com["service_type"] == line, "provider_id"].unique())
        providers.append(str(rng.choice(same)) if len(same) else str(com["provider_id"].iat[0]))
    last = int(world["finance"]["commitments"]["commitment_id"].str[2:].astype(int).max())
    return pd.DataFrame(
        {
            "commitment_id": [f"FC{last + i:07d}" for i in range(1, n + 1)],
            "child_id": ids,
            "provider_id": providers,
            "service_type": list(lines),
            "weekly_cost": [f"{c:.2f}" for c in cost],
            "start_date": night.isoformat(),  # placed today: finance has keyed it, the case system has not
            "end_date": "",
            "end_date_is_planned": "N",
        }
    )


# ---------------------------------------------------------------- planting
def plant_faults(snap: Extract, p: Plan, *, latest: bool) -> Extract:
    """The night's extract with the plan's faults planted in every row that exists that night."""
    out = {source: dict(files) for source, files in snap.items()}
    for source, name in sorted(p.files()):
        df = out[source][name].copy()
        key = _keys(df, KEYS[(source, name)])
        if (source, name) == ("placements", "episodes") and p.reopen:
            # left open only once the later episode has been entered: before that it is open anyway
            reopened = key.isin(set(p.reopen)) & key.map(p.reopen).isin(set(key))
            df.loc[reopened, ["DEC", "REC", "REASON_PLACE_CHANGE"]] = ""
        for column, kind, values in p.cells.get((source, name), []):
            hit = key.isin(set(values)) & (df[column] != "")
            if kind == "set":
                df.loc[hit, column] = key[hit].map(values)
            elif kind == "blank":
                df.loc[hit, column] = ""
            else:
                df.loc[hit, column] = [
                    bad_date(v, values[k]) for v, k in zip(df.loc[hit, column], key[hit], strict=True)
                ]
        twice = p.duplicates.get((source, name))
        if twice:
            df = df.loc[df.index.repeat(np.where(key.isin(twice), 2, 1))]
        if latest and (source, name) in p.latest_rows:
            df = pd.concat([df, p.latest_rows[(source, name)]], ignore_index=True)
        out[source][name] = df.reset_index(drop=True)
    return out


__all__ = ["FAULT_MODES", "Plan", "bad_date", "plan_faults", "plant_faults"]
