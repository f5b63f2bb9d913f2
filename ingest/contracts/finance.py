from ingest.contracts import Entity, Source, col

S = "finance"
ENTITIES = (
    Entity(
        S,
        "placement_commitments",
        (
            col("commitment_id", key=True),
            col("child_id", nullable=False),
            col("provider_id"),
            col("service_type", nullable=False, codes="finance_service_type"),
            col("weekly_cost", "float", nullable=False, non_negative=True),
            col("start_date", "date", nullable=False),
            col("end_date", "date"),
            col("end_date_is_planned", codes="yes_no"),
        ),
    ),
    Entity(
        S,
        "budgets",
        (
            col("financial_year", key=True),
            col("service_type", key=True, codes="finance_service_type"),
            col("budgeted_placements", "float", non_negative=True),
            col("annual_budget", "float", non_negative=True),
            col("weeks_funded", "int", non_negative=True),
        ),
    ),
)

# Finance refers to case children: case is gated and published first.
SOURCE = Source(name=S, entities=ENTITIES, depends_on=("case", "cin_census"))
