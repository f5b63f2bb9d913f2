-- Referral, CIN and CP measures (MEASURES.md) for every complete month and financial year, shaped like
-- lac_measures. Stocks (open plans) are taken at period end; flows (referrals, assessments) count
-- events in the period.
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

measures as (
    select period_type, period_start, period_end, 'referrals_count' as measure_code, 'all' as breakdown_type,
        'all' as breakdown_value, referrals as numerator, cast(null as bigint) as denominator,
        cast(null as double precision) as statistic
    from referrals_in_period
    union all
    select period_type, period_start, period_end, 're_referral_12m_pct', 'all', 'all', re_referrals, referrals, null
    from referrals_in_period
    union all
    select period_type, period_start, period_end, 'assessments_within_45wd_pct', 'all', 'all', on_time, authorised,
        null
    from assessments
    union all
    select period_type, period_start, period_end, 'cin_count', 'all', 'all', children, null, null from open_cin
    union all
    select period_type, period_start, period_end, 'cp_count', 'all', 'all', count(distinct child_id), null, null
    from open_cp group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'cp_count', 'initial_category', initial_category,
        count(distinct child_id), null, null
    from open_cp where child_id is not null group by period_type, period_start, period_end, initial_category
    union all
    select period_type, period_start, period_end, 'cp_count', 'plan_number', plan_number, count(distinct child_id),
        null, null
    from open_cp where child_id is not null group by period_type, period_start, period_end, plan_number
    union all
    select period_type, period_start, period_end, 'cp_rate_per_10k', 'all', 'all', count(distinct child_id),
        max(population_0_17), null
    from open_cp group by period_type, period_start, period_end
)

{{ select_measures('measures') }}
