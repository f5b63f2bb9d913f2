-- One row per child looked after at each month end (DOMAIN.md 4.1), with what a performance team
-- breaks the numbers down by. Budget line: a finance commitment covering the child that day wins;
-- otherwise the placement's line by DOMAIN.md 4.7.
with month_ends as (
    select period_end as snapshot_date
    from {{ ref('int_reporting_periods') }}
    where period_type = 'month'
),

-- The episode open at each month end, chosen on narrow rows and joined back: carrying every episode
-- column through the window needs memory in proportion to months times children.
open_episode_ids as (
    select
        month_ends.snapshot_date,
        episodes.child_id,
        episodes.episode_id,
        row_number() over (
            partition by month_ends.snapshot_date, episodes.child_id order by episodes.episode_start_date desc
        ) as latest_first
    from month_ends
    inner join {{ ref('int_episodes_sequenced') }} as episodes
        on {{ is_looked_after_on('episodes', 'month_ends.snapshot_date') }}
),

open_episodes as (
    select open_episode_ids.snapshot_date, open_episode_ids.latest_first, episodes.*
    from open_episode_ids
    inner join {{ ref('int_episodes_sequenced') }} as episodes on episodes.episode_id = open_episode_ids.episode_id
),

commitments as (
    select
        open_episodes.snapshot_date,
        open_episodes.child_id,
        commitments.service_type,
        row_number() over (
            partition by open_episodes.snapshot_date, open_episodes.child_id
            order by commitments.start_date desc, commitments.commitment_id
        ) as latest_first
    from open_episodes
    inner join {{ ref('stg_finance__placement_commitments') }} as commitments
        on commitments.child_id = open_episodes.child_id
        and commitments.start_date <= open_episodes.snapshot_date
        and (commitments.end_date is null or commitments.end_date > open_episodes.snapshot_date)
    where open_episodes.latest_first = 1
),

snapshots as (
    select
        open_episodes.snapshot_date,
        open_episodes.child_id,
        open_episodes.episode_id,
        open_episodes.period_of_care_id,
        open_episodes.placement_id,
        open_episodes.period_of_care_start_date,
        placements.placement_start_date,
        placements.previous_placement_start_date,
        header.sex,
        header.ethnicity,
        cast({{ age_in_years('header.date_of_birth', 'open_episodes.snapshot_date') }} as integer) as age_years,
        open_episodes.legal_status,
        open_episodes.category_of_need,
        open_episodes.placement_type,
        open_episodes.placement_provider,
        open_episodes.is_temporary_placement,
        placements.latest_placement_type as settled_placement_type,
        placements.latest_placement_provider as settled_placement_provider,
        coalesce(commitments.service_type, open_episodes.placement_budget_line) as budget_line,
        case when commitments.service_type is not null then 'commitment' else 'placement_type' end
            as budget_line_source,
        {{ is_uasc_on('uasc', 'case_children', 'open_episodes.snapshot_date') }} as is_uasc,
        open_episodes.distance_miles,
        open_episodes.placement_council_code
    from open_episodes
    left join {{ ref('int_placements_grouped') }} as placements
        on placements.placement_id = open_episodes.placement_id
    left join {{ ref('stg_placements__header') }} as header on header.child_id = open_episodes.child_id
    left join {{ ref('stg_placements__uasc') }} as uasc on uasc.child_id = open_episodes.child_id
    left join {{ ref('stg_case__children') }} as case_children on case_children.child_id = open_episodes.child_id
    left join commitments
        on commitments.snapshot_date = open_episodes.snapshot_date
        and commitments.child_id = open_episodes.child_id
        and commitments.latest_first = 1
    where open_episodes.latest_first = 1
)

select
    snapshot_date,
    child_id,
    episode_id,
    period_of_care_id,
    placement_id,
    period_of_care_start_date,
    placement_start_date,
    previous_placement_start_date,
    sex,
    ethnicity,
    age_years,
    {{ age_band_dfe('age_years') }} as age_band_dfe,
    {{ age_band_council('age_years') }} as age_band_council,
    legal_status,
    category_of_need,
    placement_type,
    placement_provider,
    is_temporary_placement,
    settled_placement_type,
    settled_placement_provider,
    budget_line,
    budget_line_source,
    is_uasc,
    distance_miles,
    case
        when distance_miles is null then 'not known'
        when distance_miles <= 20 then 'up to 20 miles'
        when distance_miles <= 50 then 'over 20 to 50 miles'
        when distance_miles <= 100 then 'over 50 to 100 miles'
        else 'over 100 miles'
    end as distance_band,
    placement_council_code,
    case
        when placement_council_code is null then 'not known'
        when placement_council_code = '{{ var("la_ons") }}' then 'inside'
        else 'outside'
    end as placement_location
from snapshots
