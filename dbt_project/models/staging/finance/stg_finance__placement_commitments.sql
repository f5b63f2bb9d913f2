select
    commitment_id,
    child_id,
    provider_id,
    service_type,
    {{ decode('finance_service_type', 'service_type') }} as service_type_description,
    weekly_cost as weekly_cost_gbp,
    start_date,
    end_date,
    {{ yes_no('end_date_is_planned') }} as is_end_date_planned,
    extract_date
from {{ source('finance', 'placement_commitments') }}
