"""Text leaving the warehouse is never a spreadsheet formula."""

from ingest.spreadsheet import safe_cell


def test_formula_text_is_neutralised_and_numbers_are_not():
    assert safe_cell('=HYPERLINK("http://x","A1")') == '\'=HYPERLINK("http://x","A1")'
    assert [safe_cell(v) for v in ("+44 1223", "@SUM(A1)", "-A", "\t=1")] == ["'+44 1223", "'@SUM(A1)", "'-A", "'\t=1"]
    assert [safe_cell(v) for v in ("-5", "+1.5", "A123456789012", "", None, 12)] == [
        "-5",
        "+1.5",
        "A123456789012",
        "",
        None,
        12,
    ]


def test_the_exported_return_never_carries_a_formula(tmp_path):
    import duckdb

    from outputs.returns.ssda903 import _write

    con = duckdb.connect()
    con.execute(
        "create schema returns; create table returns.ssda903_return_header as "
        "select 'C1' as CHILD, '=HYPERLINK(\"http://x\",\"A1\")' as UPN"
    )
    _write(con, "ssda903_return_header", tmp_path / "header.csv")
    assert (tmp_path / "header.csv").read_text().splitlines()[1] == 'C1,"\'=HYPERLINK(""http://x"",""A1"")"'
