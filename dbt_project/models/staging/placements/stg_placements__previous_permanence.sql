-- DATE_PERM stays text: the DfE allows a partly known date (ZZ/05/2015).
select
    child as child_id,
    dob as date_of_birth,
    prev_perm,
    {{ decode('ssda903_prev_perm', 'prev_perm') }} as prev_perm_description,
    la_perm,
    date_perm,
    extract_date
from {{ source('placements', 'previous_permanence') }}
