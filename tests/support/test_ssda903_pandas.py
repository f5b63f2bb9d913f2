"""The pandas oracle against figures worked by hand from the definitions and cleaning rules.

Extract date 31/03/2018, so the years are FY2017 (1/4/2016-31/3/2017) and FY2018.
"""

from datetime import date

import pytest

from tests.support.ssda903_pandas import fake_set_measures

HEADER = "CHILD,DECOM,RNE,LS,PLACE,DEC,REC"
ROWS = [
    "A,2016-05-01,S,C2,U1,,",  # open, next A starts 1/6/2017 -> rule 3 sets DEC 2017-06-01
    "A,01/06/2017,P,C2,K2,2017-09-01,E4A",  # DEC = next DECOM: left alone; same period, so not ceased
    "A,2017-09-01,T,C2,ZZ,,",  # PLACE off the DfE list: kept; last episode, stays open
    "B,2016-06-01,S,C1,U3,2018-01-31,E4A",  # B's next episode is nested inside: DEC set to 2016-09-01
    "B,2016-09-01,P,C1,U4,2016-12-01,E4B",  # last B: unchanged, ceased in FY2017
    "C,2016-04-01,S,E1,A5,15/01/2017,X1",  # X1 with a gap after it: never ceased
    "C,2017-04-20,S,C2,U4,,",  # a second period of care, open
    "D,01/04/2016,S, e1 ,A5,2017-05-10,E11",  # stripped and upper-cased; ceased (adopted) in FY2018
    "D,2016-04-01,S,C2,U1,,",  # same (CHILD, DECOM) as the row above, as a date: dropped
    "E,2017-06-01,S,C2,U1,2017-05-01,E13",  # DEC before DECOM: dropped
    "F,2018-04-02,S,C2,U1,,",  # DECOM after the extract date: dropped
    "G,31/02/2017,S,C2,U1,,",  # no 31 February: DECOM not a date, dropped
    "H,2016-07-01,S,C2,U1,1/3/2018,E13",  # one-digit day and month: DEC not a date, dropped
    "J,2017-03-30,S,V3,U6,2017-04-02,E4A",  # short break: no count, start or ceased
    "K,2017-01-01,,C2,U1,,",  # RNE blank: dropped
    ",2016-05-01,S,C2,U1,,",  # CHILD blank: dropped
]


@pytest.fixture
def episodes_csv(tmp_path):
    path = tmp_path / "episodes.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return path


def _figures(result):
    return {
        (r.measure_code, r.period_end.year, r.breakdown_type, r.breakdown_value): r.numerator
        for r in result.itertuples()
    }


def test_measures_after_cleaning(episodes_csv):
    result = fake_set_measures(episodes_csv, extract_date=date(2018, 3, 31))

    assert _figures(result) == {
        # 31/3/2017: A (first episode, now ending 1/6/2017) and D (to 10/5/2017). B ended 1/12/2016
        # once its nested overlap is cut; C ended 15/1/2017; J is a short break.
        ("lac_count", 2017, "all", "all"): 2,
        # 31/3/2018: A (third episode) and C (second period); D left in May 2017.
        ("lac_count", 2018, "all", "all"): 2,
        # RNE S with DECOM in FY2017: A, B, C, D (once: its duplicate is gone); J is V3.
        ("lac_starts", 2017, "all", "all"): 4,
        # C's second period; E and F were quarantined.
        ("lac_starts", 2018, "all", "all"): 1,
        # B's second episode, E4B. B's first now ends on the day its next starts; C's ends X1.
        ("lac_ceased", 2017, "all", "all"): 1,
        ("lac_ceased", 2017, "rec_group", "returned_home"): 1,
        # D, E11. A's two ended episodes are each followed by one starting on their DEC; J is V3.
        ("lac_ceased", 2018, "all", "all"): 1,
        ("lac_ceased", 2018, "rec_group", "adopted"): 1,
    }
    assert result.attrs == {
        "rows_read": 16,
        "dropped_decom_not_a_date": 1,  # G
        "dropped_dec_not_a_date": 1,  # H
        "dropped_rne_ls_place_blank": 1,  # K
        "dropped_child_blank": 1,
        "dropped_decom_after_extract": 1,  # F
        "dropped_dec_before_decom": 1,  # E
        "dropped_duplicate_key": 1,  # D's second row
        "overlap_dec_set": 2,  # A's first, B's first
        "overlap_dec_set_was_open": 1,  # A's first
        "episodes_measured": 9,
    }


def test_no_extract_date_keeps_future_episodes(episodes_csv):
    figures = _figures(fake_set_measures(episodes_csv))

    # F is kept: a start in FY2019, and the children open on 31/3/2019 are A, C and F.
    assert figures[("lac_starts", 2019, "all", "all")] == 1
    assert figures[("lac_count", 2019, "all", "all")] == 3
