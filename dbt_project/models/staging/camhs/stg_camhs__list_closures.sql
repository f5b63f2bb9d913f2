select
    pathway,
    closed_from as closed_from_date,
    closed_to as closed_to_date,
    extract_date
from {{ source('camhs', 'list_closures') }}
