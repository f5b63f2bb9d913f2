-- Each placement commitment's days inside a financial year as known at each reporting month end
-- (MEASURES.md, DOMAIN.md 4.10): actual days to an end already reached, then forecast to a planned end
-- date, or to the year end when open-ended (an actual end after the month end was not known then).
-- Intervals cover start <= D < end. Only commitments started by the month end are known then.
with months as (
    select
        period_end as month_end,
        cast(make_date(
            cast(extract(year from period_end) as integer) - case when extract(month from period_end) < 4 then 1 else 0 end,
            4, 1) as date) as financial_year_start
    from {{ ref('int_reporting_periods') }}
    where period_type = 'month'
),

years as (
    select
        months.*,
        cast({{ add_months('financial_year_start', 12) }} as date) as next_year_start
    from months
),

commitments as (
    select * from {{ ref('stg_finance__placement_commitments') }}
),

known as (
    select
        years.month_end,
        years.financial_year_start,
        years.next_year_start,
        commitments.*,
        case
            when commitments.end_date <= years.month_end then commitments.end_date
            when commitments.is_end_date_planned then commitments.end_date
            else years.next_year_start
        end as end_as_at
    from years
    inner join commitments
        on commitments.start_date <= years.month_end
        and commitments.start_date < years.next_year_start
        and (commitments.end_date is null or commitments.end_date > years.financial_year_start)
)

select
    cast(extract(year from financial_year_start) as varchar) || '-'
        || right(cast(extract(year from financial_year_start) + 1 as varchar), 2) as financial_year,
    financial_year_start,
    month_end,
    commitment_id,
    child_id,
    provider_id,
    service_type,
    weekly_cost_gbp,
    start_date,
    end_date,
    is_end_date_planned,
    end_as_at,
    greatest(0, least(end_as_at, next_year_start) - greatest(start_date, financial_year_start)) as days_in_year,
    next_year_start - financial_year_start as days_of_year,
    start_date <= month_end and (end_date is null or end_date > month_end) as is_open_at_month_end
from known
