select
    child_id,
    disability,
    extract_date
from {{ source('cin_census', 'disabilities') }}
