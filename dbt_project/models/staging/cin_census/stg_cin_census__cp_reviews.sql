select distinct
    child_id,
    plan_start_date,
    review_date,
    extract_date
from {{ source('cin_census', 'cp_reviews') }}
