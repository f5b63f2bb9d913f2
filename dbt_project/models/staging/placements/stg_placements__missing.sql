select
    child || ':' || cast(mis_start as varchar) as missing_id,
    child as child_id,
    dob as date_of_birth,
    missing as missing_type,
    {{ decode('ssda903_missing', 'missing') }} as missing_type_description,
    mis_start as missing_start_date,
    mis_end as missing_end_date,
    extract_date
from {{ source('placements', 'missing') }}
