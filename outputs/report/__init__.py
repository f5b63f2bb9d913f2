"""Published outputs: the committee report (HTML, PDF) and the CSV tables for publication.

committee.py   write_report: reads the published marts, suppresses, writes everything below
scorecard.py   the indicator table with the previous period beside it
charts.py      the six charts, as static SVG
tables.py      key activity data, the headline publication tables, the returns block
formatting.py  how each unit reads
render.py      HTML template, PDF through headless Chromium, CSV files
suppression.py disclosure control: the one place that decides what shows as [c]
"""


class ReportError(RuntimeError):
    """An ordinary reason the report cannot be written (nothing built yet, no Chromium): told, not traced."""
