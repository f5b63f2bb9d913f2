"""Text leaving the warehouse in a CSV a person opens in Excel: never a formula.

A value beginning with =, +, -, @ (or a tab or carriage return before one) is run as a formula by
spreadsheet programs (CSV injection). Such text is written with a leading apostrophe, which Excel and
LibreOffice show as the text itself. Numbers (-5, +1.5) are left as they are.
"""

from __future__ import annotations

import re

FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and FORMULA_START.match(value) and not NUMBER.match(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
