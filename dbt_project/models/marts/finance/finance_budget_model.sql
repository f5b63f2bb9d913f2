-- A five-year LAC budget model, transparent by design (DOMAIN.md 4.10, 5):
-- 1. Base year = the latest complete financial year. Per council age band a (0-4, 5-10, 11-15, 16-17,
--    18+): stock S0 = children looked after at its 31 March; entries E = mean starts a year over the
--    last three years (age at start); exit rate x = periods ceased over those years / children looked
--    after at their three year ends (age at ceasing).
-- 2. Stock-and-flow, year by year: S_a(t) = S_a(t-1) x (1 - x_a - g_a) + S_(a-1)(t-1) x g_(a-1) + E_a,
--    where g_a = 1 / (years in band a) is the share who grow into the next band each year (none from 18+).
-- 3. Each band's children are spread over budget lines in the base-year 31 March mix.
-- 4. Unit cost per line = the base year's actual weekly cost x weeks funded (from the key activity
--    data at March), uplifted by var budget_model_inflation a year; spend = placements x unit cost.
-- 5. The comparison budget is the line's base-year budget uplifted by the same inflation.
-- Headcounts stand in for 52-week equivalents.
{% set inflation = var('budget_model_inflation', 0.03) %}
with base as (
    select max(period_end) as base_end
    from {{ ref('int_reporting_periods') }}
    where period_type = 'financial_year'
),

snapshots as (
    select snapshots.*, base.base_end
    from {{ ref('lac_month_end_snapshots') }} as snapshots
    cross join base
),

stock as (
    select age_band_council as age_band, count(*) as base_stock
    from snapshots where snapshot_date = base_end group by age_band_council
),

recent_stock as (
    select age_band_council as age_band, count(*) as children_at_year_ends
    from snapshots
    where snapshot_date in (base_end, {{ add_months('base_end', -12) }}, {{ add_months('base_end', -24) }})
    group by age_band_council
),

flows as (
    select
        episodes.is_care_start_counted,
        episodes.is_care_end_counted,
        {{ age_band_council(age_in_years('header.date_of_birth', 'event_date')) }} as age_band
    from (
        select *, case when is_care_start_counted then episode_start_date else episode_end_date end as event_date
        from {{ ref('int_episodes_sequenced') }}
        where is_care_start_counted or is_care_end_counted
    ) as episodes
    inner join {{ ref('stg_placements__header') }} as header on header.child_id = episodes.child_id
    cross join base
    where episodes.event_date > {{ add_months('base.base_end', -36) }} and episodes.event_date <= base.base_end
),

bands as (
    select '0-4' as age_band, 1 as band_order, 1.0 / 5 as ageing_rate
    union all select '5-10', 2, 1.0 / 6
    union all select '11-15', 3, 1.0 / 5
    union all select '16-17', 4, 1.0 / 2
    union all select '18+', 5, 0.0
),

rates as (
    select
        bands.age_band,
        bands.band_order,
        bands.ageing_rate,
        coalesce(stock.base_stock, 0) as base_stock,
        count(case when flows.is_care_start_counted then 1 end) / 3.0 as entries_a_year,
        case when recent_stock.children_at_year_ends > 0
             then least(1.0 - bands.ageing_rate,
                        1.0 * count(case when flows.is_care_end_counted then 1 end) / recent_stock.children_at_year_ends)
             else 1.0 - bands.ageing_rate end as exit_rate
    from bands
    left join stock on stock.age_band = bands.age_band
    left join recent_stock on recent_stock.age_band = bands.age_band
    left join flows on flows.age_band = bands.age_band
    group by bands.age_band, bands.band_order, bands.ageing_rate, stock.base_stock, recent_stock.children_at_year_ends
),

mix as (
    select age_band_council as age_band, budget_line as service_type,
        1.0 * count(*) / sum(count(*)) over (partition by age_band_council) as share
    from snapshots where snapshot_date = base_end
    group by age_band_council, budget_line
),

stock_0 as (
    select age_band, base_stock as stock from rates
),
{% for t in range(1, 6) %}
stock_{{ t }} as (
    select
        rates.age_band,
        previous.stock * (1 - rates.exit_rate - rates.ageing_rate)
        + coalesce(younger_stock.stock * younger.ageing_rate, 0)
        + rates.entries_a_year as stock
    from rates
    inner join stock_{{ t - 1 }} as previous on previous.age_band = rates.age_band
    left join rates as younger on younger.band_order = rates.band_order - 1
    left join stock_{{ t - 1 }} as younger_stock on younger_stock.age_band = younger.age_band
),
{% endfor %}
projected_bands as (
    {% for t in range(1, 6) -%}
    select {{ t }} as year_ahead, age_band, stock as projected_stock from stock_{{ t }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

projected_lines as (
    select projected_bands.year_ahead, mix.service_type, sum(projected_bands.projected_stock * mix.share) as placements
    from projected_bands
    inner join mix on mix.age_band = projected_bands.age_band
    group by projected_bands.year_ahead, mix.service_type
),

base_costs as (
    select kad.service_type, kad.actual_weekly_cost_gbp * kad.weeks_funded as unit_annual_cost_gbp,
        kad.annual_budget_gbp, kad.yearly_average_placements as base_year_average
    from {{ ref('finance_key_activity_data') }} as kad
    cross join base
    where kad.row_type = 'line' and kad.reporting_month_end = base.base_end
)

select
    cast(extract(year from base.base_end) + projected_lines.year_ahead - 1 as varchar) || '-'
        || right(cast(extract(year from base.base_end) + projected_lines.year_ahead as varchar), 2) as financial_year,
    cast(projected_lines.year_ahead as integer) as year_ahead,
    projected_lines.service_type,
    cast(base_costs.base_year_average as double precision) as base_year_average_placements,
    cast(projected_lines.placements as double precision) as projected_placements,
    cast(base_costs.unit_annual_cost_gbp * power(1 + {{ inflation }}, projected_lines.year_ahead) as double precision)
        as unit_annual_cost_gbp,
    cast(projected_lines.placements * base_costs.unit_annual_cost_gbp * power(1 + {{ inflation }}, projected_lines.year_ahead)
        as double precision) as projected_spend_gbp,
    cast(base_costs.annual_budget_gbp * power(1 + {{ inflation }}, projected_lines.year_ahead) as double precision)
        as comparison_budget_gbp,
    cast(projected_lines.placements * base_costs.unit_annual_cost_gbp * power(1 + {{ inflation }}, projected_lines.year_ahead)
        - base_costs.annual_budget_gbp * power(1 + {{ inflation }}, projected_lines.year_ahead) as double precision)
        as variance_gbp
from projected_lines
cross join base
inner join base_costs on base_costs.service_type = projected_lines.service_type
