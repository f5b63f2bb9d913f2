-- The indicator scorecard (MEASURES.md, DOMAIN.md 4.12): one row per indicator, period and breakdown
-- with value, numerator, denominator, the previous period's value, direction of travel, target and RAG.
-- Which indicators, their polarity and their targets are council configuration (seeds/config).
-- RAG and direction compare values as the committee reads them, rounded to 1 decimal place, so a
-- figure shown as 25.0 against a target of 25 is Green and 47.61 -> 47.64 is unchanged.
with measures as (
    select measure_code, period_type, period_start, period_end, breakdown_type, breakdown_value,
        numerator, denominator, value
    from {{ ref('lac_measures') }}
    union all
    select measure_code, period_type, period_start, period_end, breakdown_type, breakdown_value,
        numerator, denominator, value
    from {{ ref('edge_of_care_measures') }}
    union all
    select measure_code, period_type, period_start, period_end, breakdown_type, breakdown_value,
        numerator, denominator, value
    from {{ ref('camhs_measures') }}
),

-- The weekly CAMHS list read at each period end: the Sunday week ending in its last seven days.
weekly_at_period_end as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        case when weekly.pathway = 'ALL' then 'all' else 'pathway' end as breakdown_type,
        case when weekly.pathway = 'ALL' then 'all' else weekly.pathway end as breakdown_value,
        weekly.waiting_list,
        weekly.waiting_over_18w,
        weekly.trajectory_gap,
        weekly.planned_waiting_list
    from {{ ref('int_reporting_periods') }} as periods
    inner join {{ ref('camhs_weekly_waiting_list') }} as weekly
        on weekly.week_ending between periods.period_end - 6 and periods.period_end
    where weekly.priority = 'ALL' and weekly.looked_after = 'ALL'
),

weekly_measures as (
    select 'camhs_waiting_list' as measure_code, period_type, period_start, period_end, breakdown_type,
        breakdown_value, waiting_list as numerator, cast(null as bigint) as denominator,
        cast(waiting_list as double precision) as value
    from weekly_at_period_end
    union all
    select 'camhs_waiting_over_18w', period_type, period_start, period_end, breakdown_type, breakdown_value,
        waiting_over_18w, waiting_list, cast(waiting_over_18w as double precision)
    from weekly_at_period_end
    union all
    select 'camhs_pct_waiting_under_18w', period_type, period_start, period_end, breakdown_type,
        breakdown_value, waiting_list - waiting_over_18w, waiting_list,
        case when waiting_list > 0 then 100.0 * (waiting_list - waiting_over_18w) / waiting_list end
    from weekly_at_period_end
    union all
    select 'camhs_trajectory_gap', period_type, period_start, period_end, breakdown_type, breakdown_value,
        waiting_list, cast(planned_waiting_list as bigint), cast(trajectory_gap as double precision)
    from weekly_at_period_end
    where planned_waiting_list is not null
),

-- Finance reports month by month; a financial year is read at its March.
finance_measures as (
    select 'placements_forecast_variance_gbp' as measure_code, periods.period_type, periods.period_start,
        periods.period_end, 'all' as breakdown_type, 'all' as breakdown_value,
        cast(null as bigint) as numerator, cast(null as bigint) as denominator,
        kad.variance_spend_gbp as value
    from {{ ref('int_reporting_periods') }} as periods
    inner join {{ ref('finance_key_activity_data') }} as kad
        on kad.reporting_month_end = periods.period_end
    where kad.row_type = 'total'
),

all_measures as (
    select * from measures
    union all
    select * from weekly_measures
    union all
    select * from finance_measures
),

indicators as (
    select
        indicators.indicator_code,
        indicators.report_order,
        indicators.area,
        indicators.indicator_name,
        indicators.directorate,
        indicators.unit,
        indicators.polarity,
        all_measures.period_type,
        all_measures.period_start,
        all_measures.period_end,
        all_measures.breakdown_type,
        all_measures.breakdown_value,
        all_measures.numerator,
        all_measures.denominator,
        all_measures.value,
        round(cast(all_measures.value as numeric), 1) as shown_value
    from {{ ref('scorecard_indicator_list') }} as indicators
    inner join all_measures on all_measures.measure_code = indicators.indicator_code
),

-- The target in force at period end: the latest valid_from on or before it.
targets_ranked as (
    select
        indicators.indicator_code,
        indicators.period_type,
        indicators.period_end,
        indicators.breakdown_type,
        indicators.breakdown_value,
        targets.target_min,
        targets.target_max,
        targets.amber_tolerance_pct,
        row_number() over (
            partition by indicators.indicator_code, indicators.period_type, indicators.period_end,
                indicators.breakdown_type, indicators.breakdown_value
            order by targets.valid_from desc
        ) as recency
    from indicators
    inner join {{ ref('scorecard_targets') }} as targets
        on targets.indicator_code = indicators.indicator_code
        and targets.breakdown_type = indicators.breakdown_type
        and targets.valid_from <= indicators.period_end
),

compared as (
    select
        indicators.*,
        previous.period_end as previous_period_end,
        previous.value as previous_value,
        previous.shown_value as previous_shown_value,
        targets.target_min,
        targets.target_max,
        targets.amber_tolerance_pct
    from indicators
    -- The previous period ends the day before this one starts (same period type and breakdown).
    left join indicators as previous
        on previous.indicator_code = indicators.indicator_code
        and previous.period_type = indicators.period_type
        and previous.breakdown_type = indicators.breakdown_type
        and previous.breakdown_value = indicators.breakdown_value
        and previous.period_end = indicators.period_start - 1
    left join targets_ranked as targets
        on targets.indicator_code = indicators.indicator_code
        and targets.period_type = indicators.period_type
        and targets.period_end = indicators.period_end
        and targets.breakdown_type = indicators.breakdown_type
        and targets.breakdown_value = indicators.breakdown_value
        and targets.recency = 1
)

select
    indicator_code,
    report_order,
    area,
    indicator_name,
    directorate,
    unit,
    polarity,
    period_type,
    period_start,
    period_end,
    breakdown_type,
    breakdown_value,
    numerator,
    denominator,
    value,
    previous_period_end,
    previous_value,
    case
        when shown_value is null or previous_shown_value is null then null
        when shown_value = previous_shown_value then 'unchanged'
        when polarity = 'neutral' then case when shown_value > previous_shown_value then 'up' else 'down' end
        when (shown_value < previous_shown_value) = (polarity = 'lower') then 'improving'
        else 'worsening'
    end as direction_of_travel,
    target_min,
    target_max,
    amber_tolerance_pct,
    case
        when shown_value is null or (target_min is null and target_max is null) then null
        when (target_min is null or shown_value >= target_min)
            and (target_max is null or shown_value <= target_max) then 'green'
        when shown_value < target_min
            and target_min - shown_value <= amber_tolerance_pct / 100.0 * abs(target_min) then 'amber'
        when shown_value > target_max
            and shown_value - target_max <= amber_tolerance_pct / 100.0 * abs(target_max) then 'amber'
        else 'red'
    end as rag
from compared
