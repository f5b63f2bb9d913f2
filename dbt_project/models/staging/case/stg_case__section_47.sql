select
    s47_id,
    child_id,
    referral_id,
    s47_start_date,
    icpc_date,
    {{ yes_no('icpc_not_required') }} as icpc_not_required,
    extract_date
from {{ case_or_census('section_47', [
    's47_id', 'child_id', 'referral_id', 's47_start_date', 'icpc_date', 'icpc_not_required', 'extract_date'
]) }} as enquiries
