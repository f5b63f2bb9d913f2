select
    indicator_code,
    comparator_group,
    cast(period_end as date) as period_end,
    cast(value as double precision) as comparator_value,
    source as comparator_source,
    extract_date
from {{ source('reference', 'comparators') }}
