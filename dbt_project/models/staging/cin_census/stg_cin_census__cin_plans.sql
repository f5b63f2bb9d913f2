-- One row per child and plan start, as the case layout keys plans: a plan the census repeats under two of the
-- child's episodes is kept once, from the later episode.
with ranked as (
    select
        child_id,
        plan_start_date,
        plan_end_date,
        child_id || ':' || cast(referral_date as varchar) as referral_id,
        cast(census_year as integer) as census_year,
        extract_date,
        row_number() over (partition by child_id, plan_start_date order by referral_date desc) as copy_order
    from {{ source('cin_census', 'cin_plans') }}
)

select
    child_id,
    plan_start_date,
    plan_end_date,
    referral_id,
    census_year,
    extract_date
from ranked
where copy_order = 1
