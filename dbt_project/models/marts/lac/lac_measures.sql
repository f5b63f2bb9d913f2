-- Every LAC measure in MEASURES.md for every complete month and financial year: one row per
-- measure, period and breakdown. Stock measures are taken at period end; flows count events in
-- the period; "in the year" measures (stability, reviews) look back over the year window ending at
-- period end (the financial year itself, or the 12 months to a month end). The 'all' row of each
-- measure exists for every period (zero when nothing happened); breakdown rows only where there
-- is something to count.
with periods as (
    select * from {{ ref('int_reporting_periods') }}
),

at_period_end as (
    select periods.*, snapshots.*
    from periods
    left join {{ ref('lac_month_end_snapshots') }} as snapshots on snapshots.snapshot_date = periods.period_end
),

episodes as (
    select * from {{ ref('int_episodes_sequenced') }}
),

stock as (
    select
        period_type,
        period_start,
        period_end,
        count(child_id) as lac_count,
        count(case when is_uasc then 1 end) as uasc_count,
        count(case when placement_location = 'outside' then 1 end) as outside_count,
        count(case when placement_location <> 'not known' then 1 end) as location_known_count,
        count(case when child_id is not null and placement_location = 'not known' then 1 end)
            as location_not_known_count,
        count(case when distance_miles > 20 then 1 end) as over_20_miles_count,
        count(distance_miles) as distance_known_count,
        count(case when child_id is not null and distance_miles is null then 1 end) as distance_not_known_count
    from at_period_end
    group by period_type, period_start, period_end
),

starts as (
    select periods.period_type, periods.period_start, periods.period_end, count(episodes.episode_id) as starts
    from periods
    left join episodes
        on episodes.is_care_start_counted
        and episodes.episode_start_date between periods.period_start and periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
),

ceased as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        episodes.reason_episode_ceased_group,
        episodes.episode_id,
        episodes.episode_end_date - episodes.period_of_care_start_date as days_in_care
    from periods
    left join episodes
        on episodes.is_care_end_counted
        and episodes.episode_end_date between periods.period_start and periods.period_end
),

ceased_by_group as (
    select
        period_type, period_start, period_end,
        'all' as breakdown_type, 'all' as breakdown_value,
        count(episode_id) as ceased, sum(days_in_care) as total_days
    from ceased
    group by period_type, period_start, period_end
    union all
    select
        period_type, period_start, period_end,
        'rec_group', coalesce(reason_episode_ceased_group, 'not_known'),
        count(episode_id), sum(days_in_care)
    from ceased
    where episode_id is not null
    group by period_type, period_start, period_end, coalesce(reason_episode_ceased_group, 'not_known')
),

placements_in_year as (
    -- DOMAIN.md 4.3: separate placements among the child's episodes overlapping the year window.
    select
        at_period_end.period_type,
        at_period_end.period_end,
        at_period_end.child_id,
        count(distinct episodes.placement_id) as placements
    from at_period_end
    inner join episodes
        on episodes.child_id = at_period_end.child_id
        and not episodes.is_short_break
        and not episodes.is_temporary_placement
        and episodes.episode_start_date <= at_period_end.period_end
        and (episodes.episode_end_date is null or episodes.episode_end_date > at_period_end.year_window_start)
    group by at_period_end.period_type, at_period_end.period_end, at_period_end.child_id
),

stability as (
    select
        at_period_end.period_type,
        at_period_end.period_start,
        at_period_end.period_end,
        count(at_period_end.child_id) as looked_after,
        count(case when placements_in_year.placements >= 3 then 1 end) as three_plus,
        count(case when at_period_end.age_years < 16
                    and at_period_end.period_of_care_start_date <= {{ add_months('at_period_end.period_end', -30) }}
                   then 1 end) as long_term_cohort,
        count(case when at_period_end.age_years < 16
                    and at_period_end.period_of_care_start_date <= {{ add_months('at_period_end.period_end', -30) }}
                    and (at_period_end.placement_start_date <= {{ add_months('at_period_end.period_end', -24) }}
                         or (at_period_end.settled_placement_type in ('A3', 'A4', 'A5', 'A6')
                             and at_period_end.previous_placement_start_date
                                 <= {{ add_months('at_period_end.period_end', -24) }}))
                   then 1 end) as long_term_stable
    from at_period_end
    left join placements_in_year
        on placements_in_year.period_type = at_period_end.period_type
        and placements_in_year.period_end = at_period_end.period_end
        and placements_in_year.child_id = at_period_end.child_id
    group by at_period_end.period_type, at_period_end.period_start, at_period_end.period_end
),

review_children as (
    -- DOMAIN.md 4.5: in scope once the first review has fallen due; on time when no slot due by
    -- period end and outstanding at some point in the year window (due in it, or still not held when
    -- it opened) was missed or held late. A review overdue since before the window stays late.
    select
        at_period_end.period_type,
        at_period_end.period_end,
        at_period_end.child_id,
        max(case when slots.due_date <= at_period_end.period_end
                  and (slots.due_date >= at_period_end.year_window_start
                       or slots.held_date is null or slots.held_date >= at_period_end.year_window_start)
                  and (slots.held_date is null or slots.held_date > slots.due_date)
                 then 1 else 0 end) as has_late_review
    from at_period_end
    inner join {{ ref('int_review_slots_scheduled') }} as slots
        on slots.period_of_care_id = at_period_end.period_of_care_id
        and slots.first_review_due_date <= at_period_end.period_end
    group by at_period_end.period_type, at_period_end.period_end, at_period_end.child_id
),

reviews as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        count(review_children.child_id) as in_scope,
        count(case when review_children.has_late_review = 0 then 1 end) as on_time
    from periods
    left join review_children
        on review_children.period_type = periods.period_type and review_children.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
),

missing as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        missing.missing_id,
        missing.child_id,
        missing.missing_type
    from periods
    left join {{ ref('stg_placements__missing') }} as missing
        on missing.missing_start_date between periods.period_start and periods.period_end
),

measures as (
    select period_type, period_start, period_end, 'lac_count' as measure_code, 'all' as breakdown_type,
        'all' as breakdown_value, lac_count as numerator, cast(null as bigint) as denominator,
        cast(null as bigint) as not_known_count,
        cast(null as double precision) as statistic
    from stock
    union all
    select stock.period_type, stock.period_start, stock.period_end, 'lac_rate_per_10k', 'all', 'all', stock.lac_count,
        periods.population_0_17, null, null
    from stock
    inner join periods on periods.period_type = stock.period_type and periods.period_end = stock.period_end
    union all
    select period_type, period_start, period_end, 'lac_uasc_count', 'all', 'all', uasc_count, null, null, null
    from stock
    union all
    select period_type, period_start, period_end, 'lac_starts', 'all', 'all', starts, null, null, null
    from starts
    union all
    select period_type, period_start, period_end, 'lac_ceased', breakdown_type, breakdown_value, ceased, null, null, null
    from ceased_by_group
    union all
    select period_type, period_start, period_end, 'avg_days_in_care_ceased', breakdown_type, breakdown_value,
        coalesce(total_days, 0), ceased, null, null
    from ceased_by_group
    union all
    select period_type, period_start, period_end, 'lac_by_placement_type', 'placement_type', placement_type,
        count(*), null, null, null
    from at_period_end
    where child_id is not null
    group by period_type, period_start, period_end, placement_type
    union all
    select period_type, period_start, period_end, 'lac_by_placement_type', 'budget_line', budget_line,
        count(*), null, null, null
    from at_period_end
    where child_id is not null
    group by period_type, period_start, period_end, budget_line
    union all
    select period_type, period_start, period_end, 'placed_out_of_area_pct', 'all', 'all', outside_count,
        location_known_count, location_not_known_count, null
    from stock
    union all
    select period_type, period_start, period_end, 'placed_over_20_miles_pct', 'all', 'all', over_20_miles_count,
        distance_known_count, distance_not_known_count, null
    from stock
    union all
    select period_type, period_start, period_end, 'stability_3plus_placements_pct', 'all', 'all', three_plus,
        looked_after, null, null
    from stability
    union all
    select period_type, period_start, period_end, 'stability_long_term_pct', 'all', 'all', long_term_stable,
        long_term_cohort, null, null
    from stability
    union all
    select period_type, period_start, period_end, 'reviews_on_time_pct', 'all', 'all', on_time, in_scope, null, null
    from reviews
    union all
    select period_type, period_start, period_end, 'lac_missing_incidents', 'all', 'all', count(missing_id), null,
        null, null
    from missing
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_missing_incidents', 'missing_type', missing_type,
        count(*), null, null, null
    from missing
    where missing_id is not null
    group by period_type, period_start, period_end, missing_type
    union all
    select period_type, period_start, period_end, 'lac_missing_children', 'all', 'all', count(distinct child_id),
        null, null, null
    from missing
    group by period_type, period_start, period_end
)

{{ select_measures('measures', extra_columns=['cast(measures.not_known_count as bigint) as not_known_count']) }}
