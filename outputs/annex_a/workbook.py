"""The Annex A workbook itself: a cover sheet saying what each list holds and lacks, then one sheet per list.

Each list sheet has the template's headings in row 1 (bold, wrapped, frozen, filtered) and one row per
record below, nothing else, so Ofsted's own tools read it; a heading the warehouse cannot fill carries a
comment saying why, and the cover repeats every such note. Dates are real dates shown DD/MM/YYYY. Text is
always stored as text, never as a formula (a value beginning with = stays the value). Printed, each list
is landscape, fitted to the page width, with the heading row on every page.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from outputs.annex_a import FilledList

DATE_FORMAT = "DD/MM/YYYY"
BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
CENTRE = Alignment(horizontal="center")
PSEUDONYMOUS = (
    "Child Unique ID is the warehouse's pseudonymous ID for the child, as the extracts carry it. This workbook "
    "holds no names: the council joins names, its own IDs and the allocated team and worker locally, from its "
    "case system, before the workbook goes to Ofsted."
)


def write_workbook(path: Path, lists: list[FilledList], as_at: date, la_name: str, window: dict[str, str]) -> None:
    book = Workbook()
    _cover(book.active, lists, as_at, la_name, window)
    for filled in lists:
        _list_sheet(book.create_sheet(filled.spec.sheet), filled)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    book.save(partial)
    os.replace(partial, path)  # a reader never opens half a workbook


COVER_WIDTHS = (6, 20, 45, 8, 35, 90)


def _lines(text: str, width: float) -> int:
    """How many lines the text wraps to in a column of this width (about one character per unit)."""
    return sum(max(1, -(-len(line) // int(width * 0.95))) for line in text.split("\n"))


def _british(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _cover(sheet: Worksheet, lists: list[FilledList], as_at: date, la_name: str, window: dict[str, str]) -> None:
    sheet.title = "Cover"
    to = _british(window["as_at"])
    lines = [
        ("Ofsted Annex A: children's services lists (ILACS)", BOLD),
        (f"{la_name}: lists as at {to}, written {datetime.now():%d/%m/%Y %H:%M} by cscw", None),
        (
            f"Six-month window: {_british(window['start6'])} to {to}; twelve months: {_british(window['start12'])} "
            f"to {to} (both ends included)",
            None,
        ),
        (PSEUDONYMOUS, None),
        ("Blank columns are data the warehouse does not hold (why: below, and in a comment on the heading).", None),
        (None, None),
    ]
    for text, font in lines:
        sheet.append([text])
        if font:
            sheet.cell(sheet.max_row, 1).font = font
    sheet.append(["List", "Sheet", "Who is on it", "Rows", "Filled", "Blank columns and why"])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    for filled in lists:
        spec = filled.spec
        blank = "\n".join(f"{heading}: {why}" for heading, why in spec.not_held.items())
        state = f"no: {filled.unfilled}" if filled.unfilled else "yes" if filled.rows else "yes, no rows in the window"
        values = [spec.number, spec.sheet, spec.who, len(filled.rows), state, blank or "none"]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.alignment = WRAP
        # LibreOffice does not grow a row for wrapped text on opening: the height is set from the text.
        lines = max(_lines(str(v), w) for v, w in zip(values, COVER_WIDTHS, strict=True))
        sheet.row_dimensions[sheet.max_row].height = 13 * lines
    for letter, width in zip("ABCDEF", COVER_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    for row in range(1, header):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[4].height = 13 * _lines(PSEUDONYMOUS, sum(COVER_WIDTHS))
    _print_setup(sheet, title_row=header)


def _list_sheet(sheet: Worksheet, filled: FilledList) -> None:
    spec = filled.spec
    sheet.append(list(spec.headings))
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP
        why = filled.unfilled or spec.not_held.get(cell.value)
        if why:
            cell.comment = Comment(f"Not filled: {why}", "cscw", width=300, height=110)
    widths = [max(10, min(len(h), 40) * 0.6 + 4) for h in spec.headings]
    for r, row in enumerate(filled.rows, start=2):
        for i, value in enumerate(row):
            if value is None:
                continue
            cell = sheet.cell(r, i + 1, value)
            if isinstance(value, date):
                cell.number_format, cell.alignment = DATE_FORMAT, CENTRE
                widths[i] = max(widths[i], 13)
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it begins with
                widths[i] = max(widths[i], min(len(value), 40) + 2)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.row_dimensions[1].height = 13 * max(_lines(h, w) for h, w in zip(spec.headings, widths, strict=True))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.headings))}{len(filled.rows) + 1}"
    # Printed, a comment does not show: the page header says what the list lacks (and is no cell, so no row).
    if filled.unfilled:
        sheet.sheet_properties.tabColor = "A6A6A6"
        sheet.oddHeader.left.text = f"Not filled: {filled.unfilled}"[:250]
    elif spec.not_held:
        sheet.oddHeader.left.text = (
            "Blank columns: not held by the warehouse (why: the cover sheet and each heading's comment)"
        )
    # About 14 columns to a printed page, the child's ID on every one.
    _print_setup(sheet, title_row=1, pages_wide=-(-len(spec.headings) // 14))
    sheet.print_title_cols = "A:A"


def _print_setup(sheet: Worksheet, title_row: int, pages_wide: int = 1) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = pages_wide, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{title_row}:{title_row}"
    sheet.oddFooter.center.text = "&A, page &P of &N"
