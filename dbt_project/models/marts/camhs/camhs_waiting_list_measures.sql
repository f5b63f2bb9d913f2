-- The weekly CAMHS waiting list (camhs_weekly_waiting_list) as measures of every complete month and
-- financial year, shaped like lac_measures: a period reads the Sunday week ending in its last seven days,
-- overall (pathway ALL) and by pathway, for all priorities and looked-after statuses together.
with weekly_at_period_end as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        case when weekly.pathway = 'ALL' then 'all' else 'pathway' end as breakdown_type,
        case when weekly.pathway = 'ALL' then 'all' else weekly.pathway end as breakdown_value,
        weekly.waiting_list,
        weekly.waiting_over_18w,
        weekly.waiting_over_27w,
        weekly.waiting_over_12w,
        weekly.waiting_over_26w,
        weekly.waiting_0_12w,
        weekly.waiting_12_18w,
        weekly.waiting_18_27w,
        weekly.waiting_27_52w,
        weekly.waiting_52w_plus,
        weekly.trajectory_gap,
        weekly.planned_waiting_list
    from {{ ref('int_reporting_periods') }} as periods
    inner join {{ ref('camhs_weekly_waiting_list') }} as weekly
        on weekly.week_ending between periods.period_end - 6 and periods.period_end
    where weekly.priority = 'ALL' and weekly.looked_after = 'ALL'
),

measures as (
    select 'camhs_waiting_list' as measure_code, period_type, period_start, period_end, breakdown_type,
        breakdown_value, waiting_list as numerator, cast(null as bigint) as denominator,
        cast(null as double precision) as statistic
    from weekly_at_period_end
    union all
    select 'camhs_pct_waiting_under_18w', period_type, period_start, period_end, breakdown_type,
        breakdown_value, waiting_list - waiting_over_18w, waiting_list, null
    from weekly_at_period_end
    union all
    {#- Waiting more than N weeks, over the list: the 18-week standard, the staged targets' 26 and 12 weeks
        and the 27 weeks the council paper reports. #}
    {% for weeks in (12, 18, 26, 27) -%}
    select 'camhs_waiting_over_{{ weeks }}w', period_type, period_start, period_end, breakdown_type, breakdown_value,
        waiting_over_{{ weeks }}w, waiting_list, null
    from weekly_at_period_end
    union all
    {% endfor -%}
    -- Every band of the whole list, a zero band included: the bands are one table in the paper.
    select 'camhs_waiting_by_band', period_type, period_start, period_end, 'all', 'all',
        waiting_list as in_every_band, waiting_list as whole_list, null
    from weekly_at_period_end
    where breakdown_type = 'all'
    union all
    select 'camhs_waiting_by_band', weekly.period_type, weekly.period_start, weekly.period_end, 'wait_band',
        bands.band, bands.waiting, weekly.waiting_list, null
    from weekly_at_period_end as weekly
    cross join lateral (
        values ('0-12 weeks', weekly.waiting_0_12w), ('>12-18 weeks', weekly.waiting_12_18w),
        ('>18-27 weeks', weekly.waiting_18_27w), ('>27-52 weeks', weekly.waiting_27_52w),
        ('>52 weeks', weekly.waiting_52w_plus)
    ) as bands (band, waiting)
    where weekly.breakdown_type = 'all'
    union all
    -- The gap is the list's own figure (actual minus planned), kept as the statistic.
    select 'camhs_trajectory_gap', period_type, period_start, period_end, breakdown_type, breakdown_value,
        waiting_list, cast(planned_waiting_list as bigint), trajectory_gap
    from weekly_at_period_end
    where planned_waiting_list is not null
)

{{ select_measures('measures') }}
