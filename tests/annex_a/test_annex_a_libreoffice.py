"""The Annex A workbook opens in LibreOffice: converted headless to PDF, every list is printed with its headings
and its dates as DD/MM/YYYY. Needs Debian's libreoffice-calc and poppler-utils (scripts/setup.sh dev)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from outputs.annex_a import LISTS, write_annex_a

pytestmark = pytest.mark.skipif(
    not (shutil.which("libreoffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="LibreOffice or poppler-utils missing: scripts/setup.sh dev installs them",
)


def test_the_workbook_prints_from_libreoffice(annex_a_warehouse, tmp_path):
    import duckdb

    with duckdb.connect(str(annex_a_warehouse), read_only=True) as con:
        written = write_annex_a(con, tmp_path / "exports", "E10000003", "Cambridgeshire")
    # A profile of its own, so a LibreOffice the user has open (or a parallel test) is never joined.
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(written.path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = tmp_path / written.path.with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 1 + len(LISTS)  # the cover, then each list on a page of its own at least
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    words = " ".join(text.split())
    assert "Ofsted Annex A" in words and "pseudonymous" in words
    printed = [" ".join(page.split()) for page in text.split("\f")]
    for spec in LISTS:
        # The sheet's pages, by their footer; a heading wraps inside its cell, so its words are found one by one.
        tokens = set(" ".join(page for page in printed if f"{spec.sheet}, page" in page).split())
        assert tokens, f"{spec.sheet} did not print"
        missing = [h for h in spec.headings if not set(h.split()) <= tokens]
        assert not missing, f"{spec.sheet}: headings not printed: {missing}"
    adopters = next(page for page in printed if "List 11 Adopters, page" in page)
    assert "Not filled: adopters are not in the extracts" in adopters  # printed, where a comment would not be
    assert date(2023, 10, 1).strftime("%d/%m/%Y") in words  # A0000001's referral, as a date
