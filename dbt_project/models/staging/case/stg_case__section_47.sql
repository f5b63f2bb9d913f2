select
    s47_id,
    child_id,
    referral_id,
    s47_start_date,
    icpc_date,
    {{ yes_no('icpc_not_required') }} as icpc_not_required,
    extract_date
from {{ source('case', 'section_47') }}
