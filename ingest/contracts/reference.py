from ingest.contracts import Entity, col

S = "reference"
ENTITIES = [
    Entity(
        S,
        "population",
        (
            col("la_code", key=True),
            col("year", "int", key=True),
            col("population_0_17", "int", nullable=False, non_negative=True),
        ),
        key=("la_code", "year"),
    ),
]
