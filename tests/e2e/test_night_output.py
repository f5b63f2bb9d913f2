"""What a person sees of a real night: steps N of M as they go, dbt's counts, never a long silence, a closing block
whose last lines say where things are, and the whole output kept as plain text under CSCW_HOME/logs."""

import re
from datetime import datetime

import pytest

# Whole-second timestamps, a 1 s watcher and a loaded machine: the 5 s target with room to spare.
LONGEST_SILENCE = 10
LOADED = (
    "loaded: camhs 2024-03-31, case 2024-03-31, cin_census 2024-03-31, finance 2024-03-31, placements 2024-03-31, "
    "reference 2024-03-31"
)


@pytest.fixture(scope="module")
def night(two_nightlies_together):
    contest = two_nightlies_together
    assert 0 in contest.codes, contest.outputs
    return contest.settings, contest.outputs[contest.codes.index(0)]


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"\d\d:\d\d:\d\d  ", line)]


@pytest.mark.e2e
def test_each_step_says_n_of_m_as_it_starts_and_ends(night):
    _, output = night
    started = re.findall(r"nightly: step (\d+) of (\d+): (\S+) started", output)
    assert started, output
    total = int(started[0][1])
    assert [int(n) for n, _, _ in started] == list(range(1, total + 1)), output
    for number, _, step in started:
        assert re.search(rf"nightly: step {step} ok \({number} of {total}, took \d+(m\d\ds|s)\)", output), step
    assert re.search(r"nightly: dbt: \d+ of \d+ models, \d+ of \d+ tests", output), output
    assert "exports__ssda903_return started: the SSDA903 files, then the DfE validator checks them" in output


@pytest.mark.e2e
def test_no_silence_while_the_job_runs(night):
    _, output = night
    lines = _lines(output)
    first = next(i for i, line in enumerate(lines) if " step 1 of " in line)
    last = next(i for i, line in enumerate(lines) if "nightly: done in" in line)
    times = [datetime.strptime(line[:8], "%H:%M:%S") for line in lines[first : last + 1]]
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    print(f"longest silence {max(gaps):.0f}s over {len(gaps)} lines")
    assert max(gaps) <= LONGEST_SILENCE, output


@pytest.mark.e2e
def test_the_night_ends_with_what_loaded_and_where_things_are(night):
    settings, output = night
    tail = [line.split("  ", 1)[1] for line in _lines(output)[-7:]]
    assert tail[:4] == [
        "nightly: ---- this night ----",
        f"nightly: {LOADED}",
        "nightly: refused, held or not loaded: none",
        "nightly: quarantined: none",
    ], output
    assert re.fullmatch(rf"nightly: done in \d+\.\ds; published {re.escape(str(settings.warehouse))}", tail[4])
    # One line per return, each with where its report is. The fixtures send the five core 903 tables only, so that
    # return is validated and is honestly not ready.
    assert re.fullmatch(r"nightly: CIN census \d{4}/\d\d: .*(files in|report) .*/exports/cin/\d{4}.*", tail[5]), tail[5]
    assert re.fullmatch(
        r"nightly: SSDA903 \d{4}/\d\d: NOT READY: .*AD1 \(ad1\.csv\) is missing.*; report .*/validation_report\.md",
        tail[6],
    ), tail[6]


@pytest.mark.e2e
def test_the_whole_output_is_kept_without_colour_codes(night):
    settings, output = night
    kept = [path.read_text() for path in sorted((settings.home / "logs").glob("cscw-nightly-*.log"))]
    [log] = [text for text in kept if "nightly: done in" in text]
    assert log.splitlines() == _lines(output), "every line the night printed, as it printed it"
    assert f"this run's whole output in {settings.home / 'logs'}/cscw-nightly-" in log
    for path in (settings.home / "logs").glob("*.log"):  # dbt's own log too
        assert "\x1b[" not in path.read_text(), path


def test_the_closing_block_counts_what_was_refused_and_quarantined():
    from orchestration.cli.nightly import _night_lines

    snapshots = [
        ("finance", "2024-04-01", "loaded", None),
        ("placements", "2024-04-01", "refused", "blocking problems"),
        ("placements", "2024-04-02", "loaded", None),
    ]
    counts = {("placements", "2024-04-02", "row"): 2, ("finance", "2024-04-01", "flag"): 1}
    assert _night_lines(snapshots, counts) == [
        "loaded: finance 2024-04-01 (0 row(s) quarantined, 1 flag(s)), "
        "placements 2024-04-02 (2 row(s) quarantined, 0 flag(s))",
        "refused, held or not loaded: placements 2024-04-01 refused: blocking problems",
        "quarantined: 2 row(s), 1 flag(s); the rows and children to fix: `cscw quality` (or `cscw quality --csv FILE`)",
    ]
