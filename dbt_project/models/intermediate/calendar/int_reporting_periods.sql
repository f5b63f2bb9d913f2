-- Complete months and financial years from the first month of SSDA903 history to the latest
-- placements extract. year_window_start opens the year that "in the year" measures look back over:
-- the financial year itself, or the 12 months ending at a month end.
with bounds as (
    select
        cast(date_trunc('month', min(episode_start_date)) as date) as first_month,
        max(extract_date) as data_date
    from {{ ref('stg_placements__episodes') }}
),

months as (
    select cast(generated.month_start as date) as period_start
    from bounds,
        generate_series(bounds.first_month, bounds.data_date, interval '1 month') as generated (month_start)
),

month_periods as (
    select
        'month' as period_type,
        period_start,
        cast({{ add_months('period_start', 1) }} - 1 as date) as period_end
    from months
),

year_periods as (
    select
        'financial_year' as period_type,
        period_start,
        cast({{ add_months('period_start', 12) }} - 1 as date) as period_end
    from months
    where extract(month from period_start) = 4
)

select
    periods.period_type,
    periods.period_start,
    periods.period_end,
    cast({{ add_months('periods.period_end + 1', -12) }} as date) as year_window_start
from (select * from month_periods union all select * from year_periods) as periods
cross join bounds
where periods.period_end <= bounds.data_date
