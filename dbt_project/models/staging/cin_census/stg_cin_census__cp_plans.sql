-- One row per child and plan start, as for CIN plans (the later episode's copy kept).
with ranked as (
    select
        child_id,
        plan_start_date,
        plan_end_date,
        initial_category,
        latest_category,
        previous_plans,
        child_id || ':' || cast(referral_date as varchar) as referral_id,
        cast(census_year as integer) as census_year,
        extract_date,
        row_number() over (partition by child_id, plan_start_date order by referral_date desc) as copy_order
    from {{ source('cin_census', 'cp_plans') }}
)

select
    child_id,
    plan_start_date,
    plan_end_date,
    initial_category,
    latest_category,
    previous_plans,
    referral_id,
    census_year,
    extract_date
from ranked
where copy_order = 1
