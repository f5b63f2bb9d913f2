select
    child as child_id,
    date_placed,
    dob as date_of_birth,
    date_placed_ceased,
    reason_placed_ceased,
    {{ decode('ssda903_reason_placed_ceased', 'reason_placed_ceased') }} as reason_placed_ceased_description,
    extract_date
from {{ source('placements', 'placed_for_adoption') }}
