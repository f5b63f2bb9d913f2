select
    child as child_id,
    case sex when '1' then 'M' when '2' then 'F' else sex end as sex,
    dob as date_of_birth,
    duc as uasc_ceased_date,
    extract_date
from {{ source('placements', 'uasc') }}
