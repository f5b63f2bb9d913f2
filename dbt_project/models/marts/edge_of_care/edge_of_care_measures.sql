-- Edge-of-care measures (MEASURES.md) for every complete month and financial year, shaped like
-- lac_measures. Interventions and flags are taken at period end. The entered-care outcome follows the
-- cohort of interventions that started between 24 and 12 months before period end (so each had a full
-- year to show its outcome), with the cohort size as denominator.
with periods as (
    select * from {{ ref('int_reporting_periods') }}
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
    select period_type, period_start, period_end, 'edge_of_care_active' as measure_code, 'all' as breakdown_type,
        'all' as breakdown_value, count(distinct child_id) as numerator, cast(null as bigint) as denominator,
        cast(null as double precision) as statistic
    from open_interventions group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_active', 'service', service,
        count(distinct child_id), null, null
    from open_interventions where child_id is not null group by period_type, period_start, period_end, service
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'all', 'all',
        count(case when entered_care_within_12m then 1 end), count(intervention_id), null
    from cohorts group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'service', service,
        count(case when entered_care_within_12m then 1 end), count(*), null
    from cohorts where intervention_id is not null group by period_type, period_start, period_end, service
    union all
    select period_type, period_start, period_end, 'edge_of_care_flagged', 'all', 'all', children, null, null
    from flagged
)

{{ select_measures('measures') }}
