from ingest.contracts import Entity, Source, col

S = "reference"
ENTITIES = (
    Entity(
        S,
        "population",
        (
            col("la_code", key=True),
            col("year", "int", key=True),
            col("population_0_17", "int", nullable=False, non_negative=True),
        ),
    ),
    # Published averages (DfE, Welsh Government) the scorecard shows beside each indicator; never targets.
    # Optional: a council that has not assembled them yet still loads its population.
    Entity(
        S,
        "comparators",
        (
            col("indicator_code", key=True),
            col("comparator_group", key=True, codes="comparator_group"),
            col("period_end", "date", key=True),
            col("value", "float", nullable=False),
            col("source", nullable=False),
        ),
        optional=True,
    ),
)

# population.csv is the ONS mid-year estimate, refreshed once a year; comparators.csv follows the DfE's
# and StatsWales' yearly releases.
SOURCE = Source(name=S, entities=ENTITIES, expected_interval_days=366)
