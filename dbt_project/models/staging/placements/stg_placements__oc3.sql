select
    child as child_id,
    collection_year,
    dob as date_of_birth,
    in_touch,
    {{ decode('ssda903_in_touch', 'in_touch') }} as in_touch_description,
    activ,
    {{ decode('ssda903_activ', 'activ') }} as activ_description,
    accom,
    {{ decode('ssda903_accom', 'accom') }} as accom_description,
    extract_date
from {{ source('placements', 'oc3') }}
