select
    child || ':' || cast(review as varchar) as review_id,
    child as child_id,
    dob as date_of_birth,
    review as review_date,
    review_code as participation_code,
    {{ decode('ssda903_review_code', 'review_code') }} as participation_description,
    extract_date
from {{ source('placements', 'reviews') }}
