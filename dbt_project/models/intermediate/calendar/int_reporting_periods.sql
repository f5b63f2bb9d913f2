-- Complete months, financial quarters, half-years and financial years from the first month of SSDA903 history to the latest
-- placements extract. year_window_start opens the year that "in the year" measures look back over:
-- the financial year itself, or the 12 months ending at a month, quarter or half-year end. population_0_17 is the council's
-- for the calendar year containing period end, else the latest year before it (for rates per 10,000).
with bounds as (
    select
        cast(date_trunc('month', min(episode_start_date)) as date) as first_month,
        max(extract_date) as data_date
    from {{ ref('int_episodes_resolved') }}
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
),

-- Financial quarters (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar) and half-years (Apr-Sep, Oct-Mar): Vale
-- reports quarterly, Cambridgeshire six-monthly.
quarter_periods as (
    select
        'quarter' as period_type,
        period_start,
        cast({{ add_months('period_start', 3) }} - 1 as date) as period_end
    from months
    where extract(month from period_start) in (1, 4, 7, 10)
),

half_year_periods as (
    select
        'half_year' as period_type,
        period_start,
        cast({{ add_months('period_start', 6) }} - 1 as date) as period_end
    from months
    where extract(month from period_start) in (4, 10)
),

population as (
    select population_year, max(population_0_17) as population_0_17
    from {{ ref('stg_reference__population') }}
    where la_code in ('{{ var("la_ons") }}', '{{ var("la_dfe") }}')
    group by population_year
),

periods as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        cast({{ add_months('periods.period_end + 1', -12) }} as date) as year_window_start,
        (select max(population.population_year) from population
         where population.population_year <= extract(year from periods.period_end)) as population_year
    from (
        select * from month_periods
        union all
        select * from quarter_periods
        union all
        select * from half_year_periods
        union all
        select * from year_periods
    ) as periods
    cross join bounds
    where periods.period_end <= bounds.data_date
)

select
    periods.period_type,
    periods.period_start,
    periods.period_end,
    periods.year_window_start,
    population.population_0_17
from periods
left join population on population.population_year = periods.population_year
