-- Case and edge-of-care measures (MEASURES.md) for every complete month and financial year, shaped like
-- lac_measures. Stocks are taken at period end; flows count events in the period. The entered-care
-- outcome follows the cohort of interventions that started between 24 and 12 months before period end
-- (so each had a full year to show its outcome), with the cohort size as denominator.
with periods as (
    select * from {{ ref('int_reporting_periods') }}
),

-- Referrals counted per day first: a period join over days is far smaller than one over referrals.
referral_days as (
    select referral_date as day, count(referral_id) as referrals,
        count(case when is_re_referral_12m then 1 end) as re_referrals
    from {{ ref('int_referrals_sequenced') }}
    group by referral_date
),

assessment_days as (
    select assessment_authorised_date as day, count(referral_id) as authorised,
        count(case when is_assessment_within_45wd then 1 end) as on_time
    from {{ ref('int_referrals_sequenced') }}
    where assessment_authorised_date is not null
    group by assessment_authorised_date
),

referrals_in_period as (
    select periods.period_type, periods.period_start, periods.period_end,
        coalesce(sum(referral_days.referrals), 0) as referrals,
        coalesce(sum(referral_days.re_referrals), 0) as re_referrals
    from periods
    left join referral_days on referral_days.day between periods.period_start and periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
),

assessments as (
    select periods.period_type, periods.period_start, periods.period_end,
        coalesce(sum(assessment_days.authorised), 0) as authorised,
        coalesce(sum(assessment_days.on_time), 0) as on_time
    from periods
    left join assessment_days on assessment_days.day between periods.period_start and periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
),

open_cin as (
    select periods.period_type, periods.period_start, periods.period_end, count(distinct plans.child_id) as children
    from periods
    left join {{ ref('stg_case__cin_plans') }} as plans
        on plans.plan_start_date <= periods.period_end
        and (plans.plan_end_date is null or plans.plan_end_date > periods.period_end)
    group by periods.period_type, periods.period_start, periods.period_end
),

cp_plans as (
    select
        plans.*,
        case when row_number() over (partition by plans.child_id order by plans.plan_start_date) = 1
             then 'first' else 'second_or_subsequent' end as plan_number
    from {{ ref('stg_case__cp_plans') }} as plans
),

open_cp as (
    select periods.period_type, periods.period_start, periods.period_end, periods.population_0_17,
        cp_plans.child_id, cp_plans.initial_category, cp_plans.plan_number
    from periods
    left join cp_plans
        on cp_plans.plan_start_date <= periods.period_end
        and (cp_plans.plan_end_date is null or cp_plans.plan_end_date > periods.period_end)
),

open_interventions as (
    select periods.period_type, periods.period_start, periods.period_end,
        interventions.child_id, interventions.service
    from periods
    left join {{ ref('stg_case__edge_of_care') }} as interventions
        on interventions.start_date <= periods.period_end
        and (interventions.end_date is null or interventions.end_date > periods.period_end)
),

cohorts as (
    select periods.period_type, periods.period_start, periods.period_end,
        interventions.intervention_id, interventions.service, interventions.entered_care_within_12m
    from periods
    left join {{ ref('edge_of_care_interventions') }} as interventions
        on interventions.start_date > {{ add_months('periods.period_end', -24) }}
        and interventions.start_date <= {{ add_months('periods.period_end', -12) }}
),

flagged as (
    select periods.period_type, periods.period_start, periods.period_end, count(distinct flags.child_id) as children
    from periods
    left join {{ ref('edge_of_care_flag_intervals') }} as flags
        on flags.flag_start <= periods.period_end
        and (flags.flag_end is null or flags.flag_end > periods.period_end)
    group by periods.period_type, periods.period_start, periods.period_end
),

measures as (
    select period_type, period_start, period_end, 'referrals_count' as measure_code, 'all' as breakdown_type,
        'all' as breakdown_value, referrals as numerator, cast(null as bigint) as denominator
    from referrals_in_period
    union all
    select period_type, period_start, period_end, 're_referral_12m_pct', 'all', 'all', re_referrals, referrals
    from referrals_in_period
    union all
    select period_type, period_start, period_end, 'assessments_within_45wd_pct', 'all', 'all', on_time, authorised
    from assessments
    union all
    select period_type, period_start, period_end, 'cin_count', 'all', 'all', children, null from open_cin
    union all
    select period_type, period_start, period_end, 'cp_count', 'all', 'all', count(distinct child_id), null
    from open_cp group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'cp_count', 'initial_category', initial_category,
        count(distinct child_id), null
    from open_cp where child_id is not null group by period_type, period_start, period_end, initial_category
    union all
    select period_type, period_start, period_end, 'cp_count', 'plan_number', plan_number, count(distinct child_id), null
    from open_cp where child_id is not null group by period_type, period_start, period_end, plan_number
    union all
    select period_type, period_start, period_end, 'cp_rate_per_10k', 'all', 'all', count(distinct child_id),
        max(population_0_17)
    from open_cp group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_active', 'all', 'all', count(distinct child_id), null
    from open_interventions group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_active', 'service', service,
        count(distinct child_id), null
    from open_interventions where child_id is not null group by period_type, period_start, period_end, service
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'all', 'all',
        count(case when entered_care_within_12m then 1 end), count(intervention_id)
    from cohorts group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'service', service,
        count(case when entered_care_within_12m then 1 end), count(*)
    from cohorts where intervention_id is not null group by period_type, period_start, period_end, service
    union all
    select period_type, period_start, period_end, 'edge_of_care_flagged', 'all', 'all', children, null from flagged
)

select
    measure_code,
    period_type,
    period_start,
    period_end,
    breakdown_type,
    breakdown_value,
    cast(numerator as bigint) as numerator,
    cast(denominator as bigint) as denominator,
    {{ measure_value() }} as value
from measures
