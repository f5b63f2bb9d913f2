-- Placements counted as DOMAIN.md 4.3 counts them (temporary absences and same-carer changes do
-- not start a new one), with their length and where they are.
select
    placement_id,
    child_id,
    period_of_care_id,
    placement_start_date,
    placement_end_date,
    previous_placement_start_date,
    reason_new_episode,
    first_placement_type,
    latest_placement_type,
    latest_placement_provider,
    latest_budget_line,
    latest_distance_miles,
    latest_placement_council_code,
    reason_care_ceased,
    reason_place_change,
    cast(episode_count as integer) as episode_count,
    cast(temporary_episode_count as integer) as temporary_episode_count
from {{ ref('int_placements_grouped') }}
