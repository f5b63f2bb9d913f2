-- Edge-of-care measures (MEASURES.md) for every complete month and financial year, shaped like
-- lac_measures. Interventions and flags are taken at period end. The entered-care outcome follows the
-- cohort of interventions that started between 24 and 12 months before period end (so each had a full
-- year to show its outcome), with the cohort size as denominator.
--
-- Children counted at period end are interval-merged cumulative counts, so the work grows with spans plus
-- periods, not with spans times the periods each stays open: each child's spans of a series are merged into
-- disjoint runs (one child, one run at a time), and the children in a series at D are the runs started on or
-- before D less those ended on or before D.
with periods as (
    select * from {{ ref('int_reporting_periods') }}
),

spans as (
    select 'edge_of_care_active' as measure_code, 'all' as breakdown_type, 'all' as breakdown_value,
        child_id, start_date as span_start, end_date as span_end
    from {{ ref('stg_case__edge_of_care') }}
    union all
    select 'edge_of_care_active', 'service', service, child_id, start_date, end_date
    from {{ ref('stg_case__edge_of_care') }}
    union all
    select 'edge_of_care_flagged', 'all', 'all', child_id, flag_start, flag_end
    from {{ ref('edge_of_care_flag_intervals') }}
),

-- A child counts on D when span_start <= D < span_end (null end = still open); any other span never counts.
countable as (
    select * from spans
    where child_id is not null and span_start is not null and (span_end is null or span_end > span_start)
),

islands as (
    {{ interval_islands('countable', 'measure_code, breakdown_type, breakdown_value, child_id', 'span_start', 'span_end') }}
),

runs as (
    select measure_code, breakdown_type, breakdown_value,
        min(span_start) as run_start, {{ merged_interval_end('span_end') }} as run_end
    from islands
    group by measure_code, breakdown_type, breakdown_value, child_id, island
),

changes as (
    select measure_code, breakdown_type, breakdown_value, run_start as change_date, 1 as change from runs
    union all
    select measure_code, breakdown_type, breakdown_value, run_end, -1 from runs where run_end is not null
),

-- The totals have a row for every period, zero or not; a service only where it has a child.
series as (
    select measure_code, breakdown_type, breakdown_value from changes
    union
    select 'edge_of_care_active', 'all', 'all'
    union
    select 'edge_of_care_flagged', 'all', 'all'
),

timeline as (
    select measure_code, breakdown_type, breakdown_value, change_date as on_date, 0 as is_period_end, change,
        cast(null as varchar) as period_type, cast(null as date) as period_start
    from changes
    union all
    select series.measure_code, series.breakdown_type, series.breakdown_value, periods.period_end, 1, 0,
        periods.period_type, periods.period_start
    from series
    cross join periods
),

-- A day's changes come before its period ends, so a run ending on period end is not counted there.
counted as (
    select
        timeline.*,
        sum(change) over (
            partition by measure_code, breakdown_type, breakdown_value order by on_date, is_period_end
            rows between unbounded preceding and current row
        ) as children
    from timeline
),

cohorts as (
    select periods.period_type, periods.period_start, periods.period_end,
        interventions.intervention_id, interventions.service, interventions.entered_care_within_12m
    from periods
    left join {{ ref('edge_of_care_interventions') }} as interventions
        on interventions.start_date > {{ add_months('periods.period_end', -24) }}
        and interventions.start_date <= {{ add_months('periods.period_end', -12) }}
),

measures as (
    select period_type, period_start, on_date as period_end, measure_code, breakdown_type, breakdown_value,
        children as numerator, cast(null as bigint) as denominator, cast(null as double precision) as statistic
    from counted
    where is_period_end = 1 and (breakdown_type = 'all' or children > 0)
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'all', 'all',
        count(case when entered_care_within_12m then 1 end), count(intervention_id), null
    from cohorts group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'edge_of_care_entered_care_12m_pct', 'service', service,
        count(case when entered_care_within_12m then 1 end), count(*), null
    from cohorts where intervention_id is not null group by period_type, period_start, period_end, service
)

{{ select_measures('measures') }}
