select
    child as child_id,
    collection_year,
    dob as date_of_birth,
    sdq_score,
    sdq_reason,
    {{ decode('ssda903_sdq_reason', 'sdq_reason') }} as sdq_reason_description,
    convicted,
    health_check,
    immunisations,
    teeth_check,
    health_assessment,
    substance_misuse,
    intervention_received,
    intervention_offered,
    extract_date
from {{ source('placements', 'oc2') }}
