from ingest.contracts import Entity, Source, col

S = "case"
# The CIN census can stand in for these files (README "The CIN census in"): absent, staging reads the census.
CENSUS = "cin_census"
ENTITIES = (
    Entity(
        S,
        "children",
        (
            col("child_id", key=True),
            col("sex", nullable=False, codes="case_sex"),
            col("date_of_birth", "date", nullable=False),
            col("ethnicity", codes="ssda903_ethnic"),
            col("disability", codes="yes_no"),
            col("uasc", codes="yes_no"),
        ),
        covered_by=CENSUS,
    ),
    Entity(
        S,
        "referrals",
        (
            col("referral_id", key=True),
            col("child_id", nullable=False),
            col("referral_date", "date", nullable=False),
            col("referral_source", codes="cin_referral_source"),
            col("primary_need", codes="cin_primary_need"),
            col("nfa", codes="yes_no"),
            col("assessment_start_date", "date"),
            col("assessment_authorised_date", "date"),
            col("closure_date", "date"),
            col("closure_reason", codes="cin_closure_reason"),
        ),
        covered_by=CENSUS,
    ),
    Entity(
        S,
        "cin_plans",
        (
            col("child_id", key=True),
            col("plan_start_date", "date", key=True),
            col("plan_end_date", "date"),
        ),
        covered_by=CENSUS,
    ),
    Entity(
        S,
        "cp_plans",
        (
            col("child_id", key=True),
            col("plan_start_date", "date", key=True),
            col("plan_end_date", "date"),
            col("initial_category", codes="cp_initial_category"),
        ),
        covered_by=CENSUS,
    ),
    # Section 47 enquiries (added with the CIN census in, issue 22): optional, as a council's first case export
    # may not have them; absent, the raw table is empty. Header-only is allowed, as for the optional 903 tables.
    Entity(
        S,
        "section_47",
        (
            col("s47_id", key=True),
            col("child_id", nullable=False),
            col("referral_id"),
            col("s47_start_date", "date", nullable=False),
            col("icpc_date", "date"),  # the initial child protection conference, when one was held
            col("icpc_not_required", codes="yes_no"),
        ),
        may_be_empty=True,
        optional=True,
    ),
    Entity(
        S,
        "edge_of_care",
        (
            col("intervention_id", key=True),
            col("child_id", nullable=False),
            col("service", nullable=False, codes="edge_of_care_service"),
            col("referral_date", "date"),
            col("start_date", "date"),  # blank while a referred family waits for the service to start
            col("end_date", "date"),
            col("end_reason", codes="edge_of_care_end_reason"),
        ),
        may_be_empty=True,
    ),
)

SOURCE = Source(name=S, entities=ENTITIES)
