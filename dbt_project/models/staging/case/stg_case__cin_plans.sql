select
    child_id || ':' || cast(plan_start_date as varchar) as cin_plan_id,
    child_id,
    plan_start_date,
    plan_end_date,
    extract_date
from {{ case_or_census('cin_plans', ['child_id', 'plan_start_date', 'plan_end_date', 'extract_date']) }} as plans
