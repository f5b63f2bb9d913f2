-- One row per placement (DOMAIN.md 4.3, see int_episodes_sequenced): a continuous stay with one
-- carer, across legal-status and same-carer episodes and temporary absences.
with episodes as (
    select * from {{ ref('int_episodes_sequenced') }}
    where placement_id is not null
),

placements as (
    select
        placement_id,
        child_id,
        period_of_care_id,
        min(episode_start_date) as placement_start_date,
        max(episode_number) as last_episode_number,
        -- In the aggregate rather than a correlated subquery: PostgreSQL runs those once per row.
        max(case when not is_temporary_placement then episode_number end) as last_settled_episode_number,
        count(*) as episode_count,
        count(case when is_temporary_placement then 1 end) as temporary_episode_count
    from episodes
    group by placement_id, child_id, period_of_care_id
)

select
    placements.placement_id,
    placements.child_id,
    placements.period_of_care_id,
    placements.placement_start_date,
    last_episode.episode_end_date as placement_end_date,
    lag(placements.placement_start_date) over (
        partition by placements.period_of_care_id order by placements.placement_start_date
    ) as previous_placement_start_date,
    first_episode.reason_new_episode as reason_new_episode,
    first_episode.placement_type as first_placement_type,
    last_settled.placement_type as latest_placement_type,
    last_settled.placement_provider as latest_placement_provider,
    last_settled.placement_budget_line as latest_budget_line,
    last_settled.distance_miles as latest_distance_miles,
    last_settled.placement_council_code as latest_placement_council_code,
    case when last_episode.is_care_end then last_episode.reason_episode_ceased end as reason_care_ceased,
    last_episode.reason_place_change,
    placements.episode_count,
    placements.temporary_episode_count
from placements
inner join episodes as first_episode
    on first_episode.placement_id = placements.placement_id
    and first_episode.episode_start_date = placements.placement_start_date
inner join episodes as last_episode
    on last_episode.placement_id = placements.placement_id
    and last_episode.episode_number = placements.last_episode_number
inner join episodes as last_settled
    on last_settled.placement_id = placements.placement_id
    and last_settled.episode_number = placements.last_settled_episode_number
