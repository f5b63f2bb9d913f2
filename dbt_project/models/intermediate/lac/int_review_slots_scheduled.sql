-- Statutory review slots per period of care (DOMAIN.md 4.5): the first review is due on the 20th
-- working day after the period starts (the start is day 0); the second 3 calendar months after the
-- first review as held; each later one 6 months after the review before it. Every review held
-- fills a slot, and one more slot, never held, waits after the last review: its due date is when
-- the next review falls due. A slot is on time when its review is held on or before the due date;
-- measures judge slots whose due date has passed at their period end.
with periods as (
    select * from {{ ref('int_periods_of_care_grouped') }}
    where not is_short_breaks_only
),

reviews as (
    select
        periods.period_of_care_id,
        reviews.review_date,
        row_number() over (partition by periods.period_of_care_id order by reviews.review_date) as review_number
    from {{ ref('stg_placements__reviews') }} as reviews
    inner join periods
        on periods.child_id = reviews.child_id
        and reviews.review_date >= periods.period_start_date
        and (periods.period_end_date is null or reviews.review_date <= periods.period_end_date)
),

slots as (
    select
        period_of_care_id,
        review_number as slot_number,
        review_date as held_date,
        lag(review_date) over (partition by period_of_care_id order by review_number) as previous_review_date
    from reviews

    union all

    select
        periods.period_of_care_id,
        coalesce(max(reviews.review_number), 0) + 1 as slot_number,
        null as held_date,
        max(reviews.review_date) as previous_review_date
    from periods
    left join reviews on reviews.period_of_care_id = periods.period_of_care_id
    group by periods.period_of_care_id
),

first_due as (
    select
        periods.period_of_care_id,
        periods.child_id,
        periods.period_start_date,
        periods.period_end_date,
        due_day.calendar_date as first_review_due_date
    from periods
    inner join {{ ref('int_days_numbered') }} as start_day on start_day.calendar_date = periods.period_start_date
    inner join {{ ref('int_days_numbered') }} as due_day
        on due_day.working_day_number = start_day.working_day_number + 20
        and due_day.is_working_day
)

select
    slots.period_of_care_id || ':' || cast(slots.slot_number as varchar) as review_slot_id,
    slots.period_of_care_id,
    first_due.child_id,
    first_due.period_start_date,
    first_due.period_end_date,
    first_due.first_review_due_date,
    slots.slot_number,
    case
        when slots.slot_number = 1 then first_due.first_review_due_date
        when slots.slot_number = 2 then {{ add_months('slots.previous_review_date', 3) }}
        else {{ add_months('slots.previous_review_date', 6) }}
    end as due_date,
    slots.held_date
from slots
inner join first_due on first_due.period_of_care_id = slots.period_of_care_id
