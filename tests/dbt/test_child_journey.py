"""The child journey names what each event's code means, from the code list it is drawn from."""

import pytest

from warehouse.connection import connect_duckdb

# event type -> (the reference seed its detail comes from, a code and its description from that seed)
DECODED = {
    "referral": ("cin_referral_source", "6", "Police"),
    "cp_plan_start": ("cp_initial_category", "NEG", "Neglect"),
    "care_start": ("ssda903_legal_status", "C1", "Interim care order"),
    "camhs_referral": ("camhs_pathway", "CORE", "Core CAMHS"),
}


@pytest.fixture(scope="module")
def con(synthetic_warehouse):
    with connect_duckdb(synthetic_warehouse, read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("event_type", sorted(DECODED))
def test_each_listed_code_reads_as_its_description(con, event_type):
    seed, code, description = DECODED[event_type]
    shown = con.execute(
        "select distinct detail_description from case_management.child_journey where event_type = ? and detail = ?",
        [event_type, code],
    ).fetchall()
    assert shown == [(description,)]
    undecoded = con.execute(
        f"select count(*) from case_management.child_journey as journey join reference.{seed} as codes "
        "on codes.code = journey.detail where journey.event_type = ? and journey.detail_description is null",
        [event_type],
    ).fetchone()[0]
    assert undecoded == 0


def test_an_edge_of_care_end_reads_as_service_and_reason(con):
    rows = con.execute(
        """
        select journey.detail_description, service.description || ': ' || reason.description
        from case_management.child_journey as journey
        join reference.edge_of_care_service as service on service.code = split_part(journey.detail, ':', 1)
        join reference.edge_of_care_end_reason as reason on reason.code = split_part(journey.detail, ':', 2)
        where journey.event_type = 'edge_of_care_end'"""
    ).fetchall()
    assert rows and all(shown == expected for shown, expected in rows)
