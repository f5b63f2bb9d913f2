"""Regenerate dbt_project/seeds/reference/bank_holidays.csv (England and Wales bank holidays).

The dates are computed from the statutory pattern (Banking and Financial Dealings Act 1971 and the
annual royal proclamations), with Easter from ``dateutil.easter`` and the moved and extra days listed
in DOMAIN.md section 6 entered by hand. Titles follow the GOV.UK bank-holidays feed; substitute days
get " (substitute day)" appended.

    python scripts/make_bank_holidays.py            # write the seed (2010-01-01 .. 2027-12-31)
    python scripts/make_bank_holidays.py --check    # also compare with the GOV.UK data cached in
                                                    # the PyPI package govuk-bank-holidays, if importable

The ``--check`` comparison covers the years both sources hold; it fails (exit 1) on any difference.
Extend LAST_YEAR each year (and add any newly proclaimed extra days to MOVED / EXTRA).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

from dateutil.easter import EASTER_WESTERN, easter

FIRST_YEAR = 2010
LAST_YEAR = 2027

SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "reference" / "bank_holidays.csv"

NEW_YEAR = "New Year\u2019s Day"
GOOD_FRIDAY = "Good Friday"
EASTER_MONDAY = "Easter Monday"
EARLY_MAY = "Early May bank holiday"
SPRING = "Spring bank holiday"
SUMMER = "Summer bank holiday"
CHRISTMAS = "Christmas Day"
BOXING = "Boxing Day"
SUBSTITUTE = " (substitute day)"

# Regular holidays moved by proclamation: (year, title) -> (date, title shown).
MOVED: dict[tuple[int, str], tuple[dt.date, str]] = {
    (2012, SPRING): (dt.date(2012, 6, 4), SPRING + SUBSTITUTE),  # GOV.UK notes it as a substitute day
    (2020, EARLY_MAY): (dt.date(2020, 5, 8), "Early May bank holiday (VE day)"),
    (2022, SPRING): (dt.date(2022, 6, 2), SPRING),
}

# One-off extra bank holidays.
EXTRA: list[tuple[dt.date, str]] = [
    (dt.date(2011, 4, 29), "Royal wedding"),
    (dt.date(2012, 6, 5), "Queen\u2019s Diamond Jubilee"),
    (dt.date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    (dt.date(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
    (dt.date(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
]

MON, FRI, SAT, SUN = 0, 4, 5, 6


def _first_monday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(MON - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() - MON) % 7)


def holidays_for_year(year: int) -> list[tuple[dt.date, str]]:
    out: list[tuple[dt.date, str]] = []

    # New Year's Day: a weekend 1 January gives the following Monday.
    ny = dt.date(year, 1, 1)
    if ny.weekday() in (SAT, SUN):
        out.append((ny + dt.timedelta(days=7 - ny.weekday()), NEW_YEAR + SUBSTITUTE))
    else:
        out.append((ny, NEW_YEAR))

    e = easter(year, EASTER_WESTERN)
    out.append((e - dt.timedelta(days=2), GOOD_FRIDAY))
    out.append((e + dt.timedelta(days=1), EASTER_MONDAY))

    for title, date in (
        (EARLY_MAY, _first_monday(year, 5)),
        (SPRING, _last_monday(year, 5)),
        (SUMMER, _last_monday(year, 8)),
    ):
        out.append(MOVED.get((year, title), (date, title)))

    # Christmas and Boxing Day: weekend days are replaced by the next weekdays not already holidays.
    xmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    wd = xmas.weekday()
    if wd == FRI:  # Boxing Day on Saturday -> Monday 28th
        out += [(xmas, CHRISTMAS), (dt.date(year, 12, 28), BOXING + SUBSTITUTE)]
    elif wd == SAT:  # both at the weekend -> Monday 27th and Tuesday 28th
        out += [(dt.date(year, 12, 27), CHRISTMAS + SUBSTITUTE), (dt.date(year, 12, 28), BOXING + SUBSTITUTE)]
    elif wd == SUN:  # Boxing Day Monday 26th, Christmas substitute Tuesday 27th
        out += [(boxing, BOXING), (dt.date(year, 12, 27), CHRISTMAS + SUBSTITUTE)]
    else:
        out += [(xmas, CHRISTMAS), (boxing, BOXING)]

    out += [(d, t) for d, t in EXTRA if d.year == year]
    out.sort()
    return out


def all_holidays(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> list[tuple[dt.date, str]]:
    rows = [h for y in range(first, last + 1) for h in holidays_for_year(y)]
    dates = [d for d, _ in rows]
    assert len(dates) == len(set(dates)), "duplicate holiday date"
    assert all(d.weekday() < SAT for d in dates), "holiday on a weekend"
    return rows


# Hand-checked anchors (DOMAIN.md section 6 and the GOV.UK feed).
KNOWN = {
    dt.date(2024, 1, 1),
    dt.date(2024, 3, 29),
    dt.date(2024, 4, 1),
    dt.date(2024, 5, 6),
    dt.date(2024, 5, 27),
    dt.date(2024, 8, 26),
    dt.date(2024, 12, 25),
    dt.date(2024, 12, 26),
    dt.date(2020, 12, 28),
    dt.date(2021, 12, 27),
    dt.date(2021, 12, 28),
    dt.date(2011, 4, 29),
    dt.date(2012, 6, 4),
    dt.date(2012, 6, 5),
    dt.date(2020, 5, 8),
    dt.date(2022, 6, 2),
    dt.date(2022, 6, 3),
    dt.date(2022, 9, 19),
    dt.date(2023, 5, 8),
    dt.date(2010, 12, 27),
    dt.date(2010, 12, 28),
    dt.date(2011, 1, 3),
    dt.date(2011, 12, 27),
}
NOT_HOLIDAYS = {dt.date(2012, 5, 28), dt.date(2020, 5, 4), dt.date(2022, 5, 30)}


def govuk_events() -> list[tuple[dt.date, str]] | None:
    """England-and-Wales events cached in the govuk-bank-holidays package, or None if not installed."""
    try:
        from importlib.resources import files

        raw = files("govuk_bank_holidays").joinpath("bank-holidays.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    events = json.loads(raw)["england-and-wales"]["events"]
    return [
        (
            dt.date.fromisoformat(ev["date"]),
            ev["title"] + (SUBSTITUTE if ev.get("notes", "").lower() == "substitute day" else ""),
        )
        for ev in events
    ]


def check(rows: list[tuple[dt.date, str]]) -> int:
    dates = {d for d, _ in rows}
    problems = [f"missing known holiday {d}" for d in sorted(KNOWN - dates)]
    problems += [f"moved holiday still present {d}" for d in sorted(NOT_HOLIDAYS & dates)]
    gov = govuk_events()
    if gov is None:
        print("govuk-bank-holidays not importable: GOV.UK cross-check skipped")
    else:
        years = {d.year for d, _ in gov} & set(range(FIRST_YEAR, LAST_YEAR + 1))
        ours = {(d, t) for d, t in rows if d.year in years}
        theirs = {(d, t) for d, t in gov if d.year in years}
        problems += [f"only here: {d} {t}" for d, t in sorted(ours - theirs)]
        problems += [f"only in GOV.UK data: {d} {t}" for d, t in sorted(theirs - ours)]
        print(f"GOV.UK cross-check over {min(years)}-{max(years)}: {len(theirs)} events compared")
    for p in problems:
        print("MISMATCH", p)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="cross-check against known dates and GOV.UK data")
    ap.add_argument("--output", type=Path, default=SEED)
    args = ap.parse_args(argv)

    rows = all_holidays()
    with open(args.output, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["holiday_date", "title"])
        w.writerows((d.isoformat(), t) for d, t in rows)
    print(f"wrote {len(rows)} bank holidays {rows[0][0]} .. {rows[-1][0]}")
    return check(rows) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
