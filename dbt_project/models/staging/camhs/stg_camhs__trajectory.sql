select
    week_ending as week_ending_date,
    pathway,
    cast(planned_waiting_list as integer) as planned_waiting_list,
    extract_date
from {{ source('camhs', 'trajectory') }}
