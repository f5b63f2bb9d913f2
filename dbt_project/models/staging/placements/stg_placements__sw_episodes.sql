select
    child as child_id,
    sw_id,
    sw_decom,
    dob as date_of_birth,
    sw_dec,
    sw_reason,
    {{ decode('ssda903_sw_reason', 'sw_reason') }} as sw_reason_description,
    extract_date
from {{ source('placements', 'sw_episodes') }}
