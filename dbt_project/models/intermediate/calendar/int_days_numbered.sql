-- Every day with its working-day number, so "the 20th working day after D" is one equality join.
-- Working days are Monday to Friday other than England and Wales bank holidays (DOMAIN.md 4.5).
with days as (
    select cast(generated.day as date) as calendar_date
    from generate_series(date '{{ var("calendar_start") }}', date '{{ var("calendar_end") }}', interval '1 day')
        as generated (day)
)

select
    days.calendar_date,
    extract(isodow from days.calendar_date) <= 5 and holidays.holiday_date is null as is_working_day,
    holidays.title as bank_holiday,
    sum(case when extract(isodow from days.calendar_date) <= 5 and holidays.holiday_date is null then 1 else 0 end)
        over (order by days.calendar_date rows between unbounded preceding and current row) as working_day_number
from days
left join {{ ref('bank_holidays') }} as holidays on holidays.holiday_date = days.calendar_date
