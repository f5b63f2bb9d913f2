select
    la_code,
    cast(year as integer) as population_year,
    cast(population_0_17 as integer) as population_0_17,
    extract_date
from {{ source('reference', 'population') }}
