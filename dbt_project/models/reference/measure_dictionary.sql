-- A reading of the measure registry seed, not a copy of its content: measures are defined in
-- seeds/config/measure_registry.csv alone, and this table follows it on every build.
select
    measure_code,
    measure_name,
    area,
    unit,
    polarity,
    definition,
    source as source_mart
from {{ ref('measure_registry') }}
