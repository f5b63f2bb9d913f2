select
    child_id || ':' || cast(referral_date as varchar) as referral_id,
    child_id,
    referral_date,
    assessment_start_date,
    assessment_review_date,
    assessment_authorised_date,
    factors,
    cast(census_year as integer) as census_year,
    extract_date
from {{ source('cin_census', 'assessments') }}
