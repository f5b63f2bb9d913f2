"""Writing the report out: the HTML from its template, the PDF printed by headless Chromium, and the
publication CSVs. Everything here has already been suppressed."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import jinja2
import pandas as pd

from outputs.report import ReportError
from warehouse.settings import chromium_path

TEMPLATE = Path(__file__).with_name("committee.html.j2")
# Chromium as the environment notes require it offline: no background services, no sandbox as root.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def render_html(path: Path, **context) -> Path:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True)
    path.write_text(environment.get_template(TEMPLATE.name).render(**context), encoding="utf-8")
    return path


def write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, table in tables.items():
        written[name] = folder / f"{name}.csv"
        table.to_csv(written[name], index=False)
    return written


def render_pdf(html: Path, pdf: Path) -> Path:
    chromium = chromium_path()
    if not chromium:
        raise ReportError(
            "no chromium to print the PDF: run scripts/setup.sh (it installs Debian's chromium) or set CSCW_CHROMIUM"
        )
    with tempfile.TemporaryDirectory(prefix="cscw-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if result.returncode or not pdf.exists():
        raise ReportError(f"chromium could not print {html}: {result.stderr[-1500:]}")
    return pdf
