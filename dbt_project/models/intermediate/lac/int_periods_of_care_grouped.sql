-- One row per period of care (see int_episodes_sequenced). A period made only of V3/V4 short
-- breaks is kept but flagged: no measure counts it (DOMAIN.md 4.1).
with episodes as (
    select * from {{ ref('int_episodes_sequenced') }}
),

periods as (
    select
        period_of_care_id,
        child_id,
        min(episode_start_date) as period_start_date,
        max(episode_number) as last_episode_number,
        count(*) as episode_count,
        count(distinct placement_id) as placement_count,
        bool_and(is_short_break) as is_short_breaks_only
    from episodes
    group by period_of_care_id, child_id
)

select
    periods.period_of_care_id,
    periods.child_id,
    periods.period_start_date,
    case when last_episode.is_care_end then last_episode.episode_end_date end as period_end_date,
    case when last_episode.is_care_end then last_episode.reason_episode_ceased end as reason_ceased,
    case when last_episode.is_care_end then coalesce(last_episode.reason_episode_ceased_group, 'not_known') end
        as reason_ceased_group,
    case when last_episode.is_care_end then last_episode.episode_end_date - periods.period_start_date end
        as days_in_care,
    first_episode.reason_new_episode = 'S' as starts_with_rne_s,
    first_episode.legal_status as legal_status_at_start,
    first_episode.category_of_need,
    periods.episode_count,
    periods.placement_count,
    periods.is_short_breaks_only
from periods
inner join episodes as first_episode
    on first_episode.period_of_care_id = periods.period_of_care_id
    and first_episode.episode_start_date = periods.period_start_date
inner join episodes as last_episode
    on last_episode.child_id = periods.child_id
    and last_episode.episode_number = periods.last_episode_number
