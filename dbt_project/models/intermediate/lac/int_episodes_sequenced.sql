-- Episodes grouped into periods of care and placements: the one place those rules live.
--
-- Period of care (DOMAIN.md 1, 4.2): a child's run of episodes from an RNE = S start to the first
-- ending. An ending is a DEC with REC other than X1 (a blank REC counts) and no episode of the child
-- starting that day. A new period starts at the child's first episode, at RNE = S, or after an ending.
--
-- Placement (DOMAIN.md 4.3): short breaks (V3/V4) and temporary placements (T0-T4) are set aside.
-- Each remaining episode with RNE S, P or B opens a new placement unless it is a return: the
-- episode just before it was temporary and the last non-temporary episode had the same PLACE,
-- provider, placement postcode and URN. RNE L, T and U continue the placement. A temporary episode
-- belongs to the placement it interrupts, and takes its budget line (DOMAIN.md 4.7 row 1); one that
-- interrupts nothing in its period of care (rule 380 broken) belongs to no placement.
with ordered as (
    select
        located.*,
        row_number() over by_child as episode_number,
        lag(located.is_temporary_placement) over by_child as follows_temporary,
        located.episode_end_date is not null
        and coalesce(located.reason_episode_ceased, '') <> 'X1'
        and not exists (
            select 1 from {{ ref('int_episodes_resolved') }} as next_episode
            where next_episode.child_id = located.child_id
                and next_episode.episode_start_date = located.episode_end_date
        ) as is_care_end
    from {{ ref('int_episodes_located') }} as located
    window by_child as (partition by located.child_id order by located.episode_start_date)
),

care_starts as (
    select
        ordered.*,
        lag(ordered.is_care_end) over (partition by ordered.child_id order by ordered.episode_start_date)
            as follows_care_end
    from ordered
),

periods as (
    select
        care_starts.*,
        sum(case when episode_number = 1 or reason_new_episode = 'S' or follows_care_end then 1 else 0 end)
            over (partition by child_id order by episode_start_date rows between unbounded preceding and current row)
            as period_of_care_number
    from care_starts
),

with_period_start as (
    select
        periods.*,
        min(episode_start_date) over (partition by child_id, period_of_care_number) as period_of_care_start_date
    from periods
),

settled as (
    -- Non-temporary, non-short-break episodes, each compared with the settled one before it.
    select
        episode_id,
        lag(period_of_care_number) over by_child is distinct from period_of_care_number as opens_period,
        reason_new_episode in ('S', 'P', 'B') as changes_carer,
        coalesce(follows_temporary, false)
        and lag(placement_type) over by_child is not distinct from placement_type
        and lag(placement_provider) over by_child is not distinct from placement_provider
        and lag(placement_postcode_key) over by_child is not distinct from placement_postcode_key
        and lag(urn) over by_child is not distinct from urn as is_return
    from with_period_start
    where not is_short_break and not is_temporary_placement
    window by_child as (partition by child_id order by episode_start_date)
),

placement_starts as (
    select
        episode_id,
        is_return,
        opens_period or (changes_carer and not is_return) as is_new_placement
    from settled
),

placement_numbers as (
    select
        episodes.*,
        coalesce(starts.is_return, false) as is_return_from_temporary,
        coalesce(starts.is_new_placement, false) as is_new_placement,
        case when not episodes.is_short_break then
            sum(case when starts.is_new_placement then 1 else 0 end) over (
                partition by episodes.child_id, episodes.period_of_care_number, episodes.is_short_break
                order by episodes.episode_start_date
                rows between unbounded preceding and current row
            )
        end as placement_number,
        -- For a temporary episode: the start of the settled episode it interrupts.
        max(case when not episodes.is_temporary_placement and not episodes.is_short_break
                 then episodes.episode_start_date end) over (
            partition by episodes.child_id order by episodes.episode_start_date
            rows between unbounded preceding and current row
        ) as settled_episode_start_date
    from with_period_start as episodes
    left join placement_starts as starts on starts.episode_id = episodes.episode_id
),

budget_lines as (
    -- DOMAIN.md 4.7: the first matching row of place_budget_line for the episode's own PLACE.
    select
        placement_numbers.episode_id,
        min(rules.rule_order) as rule_order
    from placement_numbers
    inner join {{ ref('place_budget_line') }} as rules
        on (rules.place = placement_numbers.placement_type or rules.place = '*')
        and (rules.provider_condition = '*' or rules.provider_condition = placement_numbers.placement_provider)
        and (rules.cin_condition = '*' or rules.cin_condition = placement_numbers.category_of_need)
    group by placement_numbers.episode_id
),

own_lines as (
    select
        budget_lines.episode_id,
        lines.service_type
    from budget_lines
    inner join (select distinct rule_order, service_type from {{ ref('place_budget_line') }}) as lines
        on lines.rule_order = budget_lines.rule_order
)

select
    episodes.*,
    episodes.child_id || ':' || cast(episodes.period_of_care_start_date as varchar) as period_of_care_id,
    case when episodes.placement_number > 0 then
        episodes.child_id || ':' || cast(episodes.period_of_care_start_date as varchar)
        || ':P' || cast(episodes.placement_number as varchar)
    end as placement_id,
    episodes.reason_new_episode = 'S' and not episodes.is_short_break as is_care_start_counted,
    episodes.is_care_end and not episodes.is_short_break as is_care_end_counted,
    case
        when episodes.is_short_break then null
        when own_lines.service_type <> 'RETURN_PLACEMENT' then own_lines.service_type
        when episodes.is_temporary_placement and interrupted_lines.service_type <> 'RETURN_PLACEMENT'
            then interrupted_lines.service_type
        else 'NO_BUDGET_LINE'
    end as placement_budget_line
from placement_numbers as episodes
left join own_lines on own_lines.episode_id = episodes.episode_id
left join placement_numbers as interrupted
    on interrupted.child_id = episodes.child_id
    and interrupted.episode_start_date = episodes.settled_episode_start_date
left join own_lines as interrupted_lines on interrupted_lines.episode_id = interrupted.episode_id
