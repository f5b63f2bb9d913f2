{#- CINPlanDates: CIN plans open at any time in the collection year, each under its referral. -#}
select
    {{ cin_referral_of('plans', 'plan_start_date') }} as referral_id,
    plans.plan_start_date,
    {{ cin_as_at_year_end('plans.plan_end_date') }} as plan_end_date
from {{ ref('stg_case__cin_plans') }} as plans
cross join {{ ref('cin_return_scope') }} as collection
where {{ cin_in_year('plans.plan_start_date', 'plans.plan_end_date') }}
