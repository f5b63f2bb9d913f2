"""The validator script's arguments, its input errors and its writing of the report (validator.py).

Standard library only, like the script: it runs under the validator's own interpreter.
"""

from __future__ import annotations

import argparse
import os
import re

PACKAGE = "csc-validator-be-903"


class InputError(Exception):
    """Bad arguments or unreadable input: exit 2."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run csc-validator-be-903 (lac_validator) on an SSDA903 return and write a JSON report."
    )
    p.add_argument("--year", required=True, help='collection END year, e.g. "2025" for 2024/25')
    p.add_argument("--la", required=True, help="ONS upper-tier local authority code, e.g. E10000003")
    p.add_argument(
        "--this-year",
        required=True,
        metavar="DIR",
        help="folder with this year's header/episodes/uasc/reviews/missing.csv",
    )
    p.add_argument("--prev-year", metavar="DIR", help="folder with last year's return as sent (loaded as 'Prev year')")
    p.add_argument("--output", required=True, metavar="FILE", help="report.json to write")
    p.add_argument("--ch-lookup", metavar="XLSX", help="Ofsted's children's homes list (the validator's 'CH lookup')")
    p.add_argument("--scp-lookup", metavar="XLSX", help="Ofsted's social care providers list ('SCP lookup')")
    p.add_argument(
        "--rule-pack",
        metavar="YEAR",
        help="run this collection year's rule pack instead of --year's "
        "(metadata collectionYear stays --year); for years the validator has "
        "no pack for",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="processes the rules are shared across (default: the cores available)"
    )
    args = p.parse_args(argv)
    if not re.fullmatch(r"20\d\d", args.year):
        raise InputError(f"--year must be a collection end year like 2025, got {args.year!r}") from None
    if args.rule_pack is not None and not re.fullmatch(r"20\d\d", args.rule_pack):
        raise InputError(f"--rule-pack must be a collection end year, got {args.rule_pack!r}") from None
    args.la = args.la.strip().upper()
    if not re.fullmatch(r"[ENSW]\d{8}", args.la):
        raise InputError(f"--la must be an ONS code like E10000003, got {args.la!r}") from None
    for option in ("this_year", "prev_year"):
        folder = getattr(args, option)
        if folder is not None and not os.path.isdir(folder):
            raise InputError(f"--{option.replace('_', '-')} {folder!r} is not a folder") from None
    for option in ("ch_lookup", "scp_lookup"):
        path = getattr(args, option)
        if path is not None and not os.path.isfile(path):
            raise InputError(f"--{option.replace('_', '-')} {path!r} is not a file") from None
    if (args.ch_lookup is None) != (args.scp_lookup is None):
        # The validator refuses one list without the other.
        raise InputError("--ch-lookup and --scp-lookup go together: give both Ofsted lists or neither") from None
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        raise InputError(f"output folder {out_dir!r} does not exist") from None
    return args


def validator_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def rule_pack(pack_year: str) -> dict:
    """The rule pack's registry, {code: RuleDefinition}; a year without one is an input error naming those there are."""
    import importlib

    try:
        return importlib.import_module(f"lac_validator.rules.lac{int(pack_year) - 1}_{pack_year[2:]}").registry
    except ModuleNotFoundError:
        import lac_validator.rules as rules_pkg

        packs = sorted(
            str(int(n[3:7]) + 1) for d in rules_pkg.__path__ for n in os.listdir(d) if re.fullmatch(r"lac\d{4}_\d\d", n)
        )
        raise InputError(
            f"validator {validator_version()} has no rule pack for collection "
            f"year {pack_year}; packs exist for end years {', '.join(packs)} "
            "(use --rule-pack to run one of them)"
        ) from None
