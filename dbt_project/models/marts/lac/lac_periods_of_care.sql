-- Periods of care (DOMAIN.md 1, 4.2) with the child's age and sex at the start; short-break-only
-- periods are kept and flagged so they can be seen, not counted.
select
    periods.period_of_care_id,
    periods.child_id,
    header.sex,
    cast({{ age_in_years('header.date_of_birth', 'periods.period_start_date') }} as integer) as age_at_start,
    periods.period_start_date,
    periods.period_end_date,
    periods.reason_ceased,
    periods.reason_ceased_group,
    cast(periods.days_in_care as integer) as days_in_care,
    periods.starts_with_rne_s,
    periods.legal_status_at_start,
    periods.category_of_need,
    cast(periods.episode_count as integer) as episode_count,
    cast(periods.placement_count as integer) as placement_count,
    periods.is_short_breaks_only
from {{ ref('int_periods_of_care_grouped') }} as periods
left join {{ ref('stg_placements__header') }} as header on header.child_id = periods.child_id
