{#- ChildProtectionPlans: CP plans open at any time in the collection year, each under its referral, with
    the number of the child's earlier plans. The case layout holds no later category or review dates: the
    latest category is the initial one, and no Reviews are written. -#}
with numbered as (
    select
        plans.*,
        count(*) over (
            partition by plans.child_id order by plans.plan_start_date rows between unbounded preceding and current row
        ) - 1 as previous_plans
    from {{ ref('stg_case__cp_plans') }} as plans
)

select
    {{ cin_referral_of('plans', 'plan_start_date') }} as referral_id,
    plans.plan_start_date,
    {{ cin_as_at_year_end('plans.plan_end_date') }} as plan_end_date,
    plans.initial_category,
    plans.initial_category as latest_category,
    plans.previous_plans
from numbered as plans
cross join {{ ref('cin_return_scope') }} as collection
where {{ cin_in_year('plans.plan_start_date', 'plans.plan_end_date') }}
