"""The Children in Need census (the DfE's XML, one or several files a folder: `landing/cin_census/<date>/*.xml`).

Its entities are not files: ingest/census_xml.py reads every census file of a folder, stitches them into one
history (ingest/census_stitch.py) and hands the gate one table per entity below, each row carrying the file and
XML line it came from (`source_file`, `source_line`) so every problem names them. The census has no referral
ids: a CIN episode is its child and CINreferralDate, and each item below it carries both.
"""

from ingest.contracts import Entity, Source, col

S = "cin_census"


# Where each row was, filled by the reader (never by the council): the census year of the file it was kept from.
WHERE = (col("census_year", "int"), col("source_file"), col("source_line", "int"))


def _episode(*columns, **kwargs) -> Entity:
    """An item of a CIN episode: keyed by the child, the episode's referral date and its own columns."""
    name, *rest = columns
    return Entity(
        S,
        name,
        (col("child_id", key=True), col("referral_date", "date", key=True), *rest, *WHERE),
        may_be_empty=True,
        **kwargs,
    )


ENTITIES = (
    Entity(
        S,
        "children",
        (
            col("child_id", key=True),
            col("upn"),
            col("former_upn"),
            col("upn_unknown"),
            col("date_of_birth", "date"),  # an unborn child has only the expected date
            col("expected_birth_date", "date"),
            col("sex", nullable=False, codes="case_sex"),  # GenderCurrent (1/2/0/9) to 2023/24, Sex (M/F/U) after
            col("death_date", "date"),
            col("ethnicity", codes="ssda903_ethnic"),
            *WHERE,
        ),
    ),
    Entity(S, "disabilities", (col("child_id", key=True), col("disability", key=True), *WHERE), may_be_empty=True),
    _episode(
        "referrals",
        col("referral_source", codes="cin_referral_source"),
        col("primary_need", codes="cin_primary_need"),
        col("closure_date", "date"),
        col("closure_reason", codes="cin_closure_reason"),
        col("icpc_date", "date"),
        col("nfa", codes="yes_no"),
    ),
    _episode(
        "assessments",
        col("assessment_start_date", "date", key=True),
        col("assessment_review_date", "date"),
        col("assessment_authorised_date", "date"),
        col("factors"),  # the FactorsIdentifiedAtAssessment codes, space-separated
    ),
    _episode("cin_plans", col("plan_start_date", "date", key=True), col("plan_end_date", "date")),
    _episode(
        "section_47",
        col("s47_start_date", "date", key=True),
        col("icpc_target_date", "date"),
        col("icpc_date", "date"),
        col("icpc_not_required", codes="yes_no"),
    ),
    _episode(
        "cp_plans",
        col("plan_start_date", "date", key=True),
        col("plan_end_date", "date"),
        col("initial_category", codes="cp_initial_category"),
        col("latest_category", codes="cp_initial_category"),
        col("previous_plans", "int", non_negative=True),
    ),
    _episode("cp_reviews", col("plan_start_date", "date", key=True), col("review_date", "date", key=True)),
    # Written by the reader, not the council: which census each child and episode was taken from, and why.
    Entity(
        S,
        "stitch_log",
        (
            col("child_id", nullable=False),
            col("item", nullable=False),
            col("item_key", nullable=False),
            col("census_year", "int", nullable=False),
            col("rule", nullable=False),
            col("detail"),
        ),
        may_be_empty=True,
    ),
)

# Annual returns, or a monthly performance run: a month without a new census is not a stuck export.
SOURCE = Source(name=S, entities=ENTITIES, expected_interval_days=31, layout="cin_census_xml", may_never_land=True)
