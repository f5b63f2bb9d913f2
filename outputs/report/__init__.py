"""Published outputs: the committee report (HTML, PDF) and the CSV tables for publication."""
