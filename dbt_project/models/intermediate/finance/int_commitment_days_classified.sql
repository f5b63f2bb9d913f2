-- The budget model's actual years (issue 23, 001's LAC budget model): each placement commitment's days in
-- each of the last three complete financial years, split into the days the model prices and the two kinds
-- it leaves out and shows apart. A day d counts when start <= d < end (a blank end runs to the year end;
-- the end as now known, planned or actual). Each day is exactly one of:
-- uasc: the child is UASC on d (is_uasc_on); else staying_put: the child is not looked after on d, is 18 or
-- over, and their latest period of care ended on or before d with REC E17 (staying put); else modelled.
-- Only budget lines of the external and in-house KAD groups (the adoption allowances are another budget).
with {{ budget_model_years([-2, -1, 0]) }},

lines as (
    select code as service_type
    from {{ ref('finance_service_type') }}
    where kad_group in ('external', 'in_house')
),

days as (
    select
        years.year_ahead,
        years.year_start,
        years.year_end,
        calendar.calendar_date as day
    from years
    inner join {{ ref('int_days_numbered') }} as calendar
        on calendar.calendar_date between years.year_start and years.year_end
),

commitment_days as (
    select
        days.year_ahead,
        days.year_start,
        days.year_end,
        days.day,
        commitments.commitment_id,
        commitments.child_id,
        commitments.service_type,
        {{ is_uasc_on('uasc', 'case_children', 'days.day') }} as is_uasc,
        {{ age_in_years('header.date_of_birth', 'days.day') }} >= 18 as is_adult
    from {{ ref('stg_finance__placement_commitments') }} as commitments
    inner join lines on lines.service_type = commitments.service_type
    inner join days
        on days.day >= commitments.start_date
        and (commitments.end_date is null or days.day < commitments.end_date)
    left join {{ ref('stg_placements__header') }} as header on header.child_id = commitments.child_id
    left join {{ ref('stg_placements__uasc') }} as uasc on uasc.child_id = commitments.child_id
    left join {{ ref('stg_case__children') }} as case_children on case_children.child_id = commitments.child_id
),

ended_periods as (
    -- Each ended period of care with the end of the child's next one: it is the latest ended period on
    -- the days from its end up to (not including) that next end.
    select
        child_id,
        period_end_date,
        reason_ceased,
        lead(period_end_date) over (partition by child_id order by period_end_date) as next_period_end_date
    from {{ ref('int_periods_of_care_grouped') }}
    where period_end_date is not null
),

adult_days as (
    select commitment_id, child_id, day from commitment_days where not is_uasc and is_adult
),

looked_after_adult_days as (
    select distinct adult_days.commitment_id, adult_days.day
    from adult_days
    inner join {{ ref('int_episodes_sequenced') }} as episodes
        on episodes.child_id = adult_days.child_id and {{ is_looked_after_on('episodes', 'adult_days.day') }}
),

staying_put_days as (
    select adult_days.commitment_id, adult_days.day
    from adult_days
    inner join ended_periods
        on ended_periods.child_id = adult_days.child_id
        and ended_periods.period_end_date <= adult_days.day
        and (ended_periods.next_period_end_date is null or ended_periods.next_period_end_date > adult_days.day)
    left join looked_after_adult_days as looked_after
        on looked_after.commitment_id = adult_days.commitment_id and looked_after.day = adult_days.day
    where ended_periods.reason_ceased = 'E17' and looked_after.commitment_id is null
),

classified as (
    select
        commitment_days.*,
        staying_put_days.commitment_id is not null as is_staying_put
    from commitment_days
    left join staying_put_days
        on staying_put_days.commitment_id = commitment_days.commitment_id
        and staying_put_days.day = commitment_days.day
)

select
    cast(extract(year from year_start) as varchar) || '-'
        || right(cast(extract(year from year_start) + 1 as varchar), 2) as financial_year,
    cast(year_ahead as integer) as year_ahead,
    commitment_id,
    child_id,
    service_type,
    cast(count(case when not is_uasc and not is_staying_put then 1 end) as integer) as modelled_days,
    cast(count(case when is_uasc then 1 end) as integer) as uasc_days,
    cast(count(case when is_staying_put then 1 end) as integer) as staying_put_days,
    cast(max(year_end) - max(year_start) + 1 as integer) as days_of_year
from classified
group by year_ahead, year_start, commitment_id, child_id, service_type
