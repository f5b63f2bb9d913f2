select
    intervention_id,
    child_id,
    service,
    {{ decode('edge_of_care_service', 'service') }} as service_description,
    referral_date,
    start_date,
    end_date,
    end_reason,
    {{ decode('edge_of_care_end_reason', 'end_reason') }} as end_reason_description,
    extract_date
from {{ source('case', 'edge_of_care') }}
