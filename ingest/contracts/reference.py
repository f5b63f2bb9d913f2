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
)

# population.csv is the ONS mid-year estimate, refreshed once a year.
SOURCE = Source(name=S, entities=ENTITIES, expected_interval_days=366)
