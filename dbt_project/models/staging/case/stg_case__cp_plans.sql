select
    child_id || ':' || cast(plan_start_date as varchar) as cp_plan_id,
    child_id,
    plan_start_date,
    plan_end_date,
    initial_category,
    {{ decode('cp_initial_category', 'initial_category') }} as initial_category_description,
    extract_date
from {{ case_or_census('cp_plans', [
    'child_id', 'plan_start_date', 'plan_end_date', 'initial_category', 'extract_date'
]) }} as plans
