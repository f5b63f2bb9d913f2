from ingest.contracts import Entity, Source, col

S = "camhs"
ENTITIES = (
    Entity(
        S,
        "referrals",
        (
            col("referral_id", key=True),
            col("patient_id", nullable=False),
            col("date_of_birth", "date"),
            col("sex"),
            col("referral_received_date", "date", nullable=False),
            col("referral_source"),
            col("pathway", nullable=False, codes="camhs_pathway"),
            col("priority", codes="camhs_priority"),
            col("accepted", nullable=False, codes="yes_no"),
            col("first_contact_date", "date"),
            col("treatment_start_date", "date"),
            col("discharge_date", "date"),
            col("discharge_reason"),
            col("looked_after", codes="yes_no"),
        ),
    ),
    Entity(
        S,
        "list_closures",
        (
            col("pathway", key=True, codes="camhs_pathway"),
            col("closed_from", "date", key=True),
            col("closed_to", "date"),
        ),
        may_be_empty=True,
    ),
    Entity(
        S,
        "trajectory",
        (
            col("week_ending", "date", key=True),
            col("pathway", key=True, codes="camhs_pathway"),
            col("planned_waiting_list", "int", non_negative=True),
        ),
    ),
)

SOURCE = Source(name=S, entities=ENTITIES)
