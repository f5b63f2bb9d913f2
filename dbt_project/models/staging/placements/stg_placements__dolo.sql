select
    child as child_id,
    dolo_start,
    dob as date_of_birth,
    dolo_end,
    extract_date
from {{ source('placements', 'dolo') }}
