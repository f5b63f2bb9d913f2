-- The LAC measures the sufficiency strategy and the F&PR ask for beyond MEASURES.md's list, for every
-- complete period of int_reporting_periods: LAC excluding UASC (the F&PR's limit is on that count),
-- starts by age and UASC, re-entry within 12 months, returned home E4A/E4B apart, 16+ short stays and
-- LAC by ethnicity and the placement mix (families, in-house / external, and the budget model's lines
-- without UASC, which the strategy's mix targets are set on). Kept apart from
-- lac_measures so each mart's hand-worked cases stay small.
-- The 'all' row of each measure exists for every period; breakdown rows only where there is a count.
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

mix as (
    -- A child in a temporary placement counts in the placement it interrupts.
    select
        at_period_end.period_type,
        at_period_end.period_start,
        at_period_end.period_end,
        at_period_end.child_id,
        coalesce(families.family, 'not_known') as family,
        coalesce(providers.provider_group, 'not_known') as provider_group
    from at_period_end
    left join {{ ref('placement_family') }} as families
        on families.place = case when at_period_end.is_temporary_placement
            then at_period_end.settled_placement_type else at_period_end.placement_type end
    left join {{ ref('placement_provider_group') }} as providers
        on providers.provider = case when at_period_end.is_temporary_placement
            then at_period_end.settled_placement_provider else at_period_end.placement_provider end
    where at_period_end.child_id is not null
),

mix_totals as (
    select period_type, period_end, count(*) as looked_after from mix group by period_type, period_end
),

budget_lines as (
    -- The budget model's lines (finance_budget_model): children not UASC that day on an external or in-house line.
    select at_period_end.period_type, at_period_end.period_start, at_period_end.period_end, at_period_end.budget_line
    from at_period_end
    inner join {{ ref('finance_service_type') }} as lines
        on lines.code = at_period_end.budget_line and lines.kad_group in ('external', 'in_house')
    where not at_period_end.is_uasc
),

budget_line_totals as (
    select period_type, period_end, count(*) as modelled from budget_lines group by period_type, period_end
),

care_ends as (
    select child_id, episode_end_date from episodes where is_care_end_counted
),

starts as (
    -- Re-entry (DfE, CLA statistics): a child starting to be looked after who ceased to be looked
    -- after on or after the same date 12 months earlier. A period ending the day the next begins is
    -- not an ending (int_episodes_sequenced), so an earlier end is always before the start.
    select
        episodes.episode_id,
        episodes.episode_start_date,
        {{ age_band_dfe(age_in_years('header.date_of_birth', 'episodes.episode_start_date')) }} as age_band_dfe,
        case when {{ is_uasc_on('uasc', 'case_children', 'episodes.episode_start_date') }}
            then 'uasc' else 'not_uasc' end as uasc,
        exists(
            select 1 from care_ends
            where care_ends.child_id = episodes.child_id
                and care_ends.episode_end_date < episodes.episode_start_date
                and care_ends.episode_end_date >= {{ add_months('episodes.episode_start_date', -12) }}
        ) as is_re_entry
    from episodes
    left join {{ ref('stg_placements__header') }} as header on header.child_id = episodes.child_id
    left join {{ ref('stg_placements__uasc') }} as uasc on uasc.child_id = episodes.child_id
    left join {{ ref('stg_case__children') }} as case_children on case_children.child_id = episodes.child_id
    where episodes.is_care_start_counted
),

starts_in_period as (
    select periods.period_type, periods.period_start, periods.period_end, starts.*
    from periods
    left join starts on starts.episode_start_date between periods.period_start and periods.period_end
),

ceased_in_period as (
    -- Days in care as in lac_measures' avg_days_in_care_ceased: period of care start to its end.
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        episodes.episode_id,
        episodes.reason_episode_ceased,
        episodes.episode_end_date - episodes.period_of_care_start_date as days_in_care,
        {{ age_in_years('header.date_of_birth', 'episodes.period_of_care_start_date') }} >= 16 as began_at_16_plus
    from periods
    left join episodes
        on episodes.is_care_end_counted
        and episodes.episode_end_date between periods.period_start and periods.period_end
    left join {{ ref('stg_placements__header') }} as header on header.child_id = episodes.child_id
),

ceased_totals as (
    select
        period_type,
        period_start,
        period_end,
        count(episode_id) as ceased,
        count(case when reason_episode_ceased in ('E4A', 'E4B') then 1 end) as returned_home,
        count(case when began_at_16_plus then 1 end) as ceased_16_plus,
        -- Project rule (no DfE definition): a short stay is under 13 weeks (fewer than 91 days).
        count(case when began_at_16_plus and days_in_care < 91 then 1 end) as short_stays_16_plus
    from ceased_in_period
    group by period_type, period_start, period_end
),

measures as (
    select period_type, period_start, period_end, 'lac_excl_uasc_count' as measure_code, 'all' as breakdown_type,
        'all' as breakdown_value, count(case when not is_uasc then 1 end) as numerator,
        cast(null as bigint) as denominator, cast(null as double precision) as statistic
    from at_period_end
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_excl_uasc_rate_per_10k', 'all', 'all',
        count(case when not is_uasc then 1 end), max(population_0_17), null
    from at_period_end
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_by_ethnicity', 'all', 'all', count(child_id), null, null
    from at_period_end
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_by_ethnicity', 'ethnicity', coalesce(ethnicity, 'not_known'),
        count(*), null, null
    from at_period_end
    where child_id is not null
    group by period_type, period_start, period_end, coalesce(ethnicity, 'not_known')
    union all
    select period_type, period_start, period_end, 'lac_placement_family_pct', 'all', 'all', count(child_id),
        count(child_id), null
    from at_period_end
    group by period_type, period_start, period_end
    union all
    select mix.period_type, mix.period_start, mix.period_end, 'lac_placement_family_pct', 'family', mix.family,
        count(*), max(totals.looked_after), null
    from mix
    inner join mix_totals as totals on totals.period_type = mix.period_type and totals.period_end = mix.period_end
    group by mix.period_type, mix.period_start, mix.period_end, mix.family
    union all
    select period_type, period_start, period_end, 'lac_placement_provider_pct', 'all', 'all', count(child_id),
        count(child_id), null
    from at_period_end
    group by period_type, period_start, period_end
    union all
    select mix.period_type, mix.period_start, mix.period_end, 'lac_placement_provider_pct', 'provider_group',
        mix.provider_group, count(*), max(totals.looked_after), null
    from mix
    inner join mix_totals as totals on totals.period_type = mix.period_type and totals.period_end = mix.period_end
    group by mix.period_type, mix.period_start, mix.period_end, mix.provider_group
    union all
    select at_period_end.period_type, at_period_end.period_start, at_period_end.period_end,
        'lac_budget_line_share_pct', 'all', 'all', coalesce(max(totals.modelled), 0), coalesce(max(totals.modelled), 0),
        null
    from at_period_end
    left join budget_line_totals as totals
        on totals.period_type = at_period_end.period_type and totals.period_end = at_period_end.period_end
    group by at_period_end.period_type, at_period_end.period_start, at_period_end.period_end
    union all
    select budget_lines.period_type, budget_lines.period_start, budget_lines.period_end, 'lac_budget_line_share_pct',
        'budget_line', budget_lines.budget_line, count(*), max(totals.modelled), null
    from budget_lines
    inner join budget_line_totals as totals
        on totals.period_type = budget_lines.period_type and totals.period_end = budget_lines.period_end
    group by budget_lines.period_type, budget_lines.period_start, budget_lines.period_end, budget_lines.budget_line
    union all
    select period_type, period_start, period_end, 'lac_starts_by_age_and_uasc', 'all', 'all', count(episode_id),
        null, null
    from starts_in_period
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_starts_by_age_and_uasc', 'age_band_dfe', age_band_dfe,
        count(*), null, null
    from starts_in_period
    where episode_id is not null
    group by period_type, period_start, period_end, age_band_dfe
    union all
    select period_type, period_start, period_end, 'lac_starts_by_age_and_uasc', 'uasc', uasc, count(*), null, null
    from starts_in_period
    where episode_id is not null
    group by period_type, period_start, period_end, uasc
    union all
    select period_type, period_start, period_end, 'lac_re_entry_12m_pct', 'all', 'all',
        count(case when is_re_entry then 1 end), count(episode_id), null
    from starts_in_period
    group by period_type, period_start, period_end
    union all
    select period_type, period_start, period_end, 'lac_returned_home_pct', 'all', 'all', returned_home, ceased, null
    from ceased_totals
    union all
    select ceased_in_period.period_type, ceased_in_period.period_start, ceased_in_period.period_end,
        'lac_returned_home_pct', 'rec', ceased_in_period.reason_episode_ceased, count(*), max(ceased_totals.ceased),
        null
    from ceased_in_period
    inner join ceased_totals
        on ceased_totals.period_type = ceased_in_period.period_type
        and ceased_totals.period_end = ceased_in_period.period_end
    where ceased_in_period.reason_episode_ceased in ('E4A', 'E4B')
    group by ceased_in_period.period_type, ceased_in_period.period_start, ceased_in_period.period_end,
        ceased_in_period.reason_episode_ceased
    union all
    select period_type, period_start, period_end, 'lac_16plus_short_stays_pct', 'all', 'all', short_stays_16_plus,
        ceased_16_plus, null
    from ceased_totals
)

{{ select_measures('measures') }}
