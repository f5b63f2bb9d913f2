-- The council's key activity data table (MEASURES.md Finance, DOMAIN.md 4.10): per financial year,
-- reporting month and budget line, the budget, the month-end snapshot, the yearly average in 52-week
-- equivalents, projected spend and unit costs, the variances, and whether the variance needs
-- commentary (more than 2% of the budget or GBP 100,000, whichever is greater); then group totals
-- (external, in-house, adoption) and the overall total, in the report's order (row_order).
-- Spend for a line funded over W weeks is weekly cost x days / 7 x W / 52 (project rule for 55-week lines).
with lines as (
    select code as service_type, kad_group, kad_order, weeks_funded_default
    from {{ ref('finance_service_type') }}
    where kad_group <> 'none'
),

budgets as (
    select * from {{ ref('stg_finance__budgets') }}
),

counted as (
    select * from {{ ref('int_commitments_as_at_month') }}
),

months as (
    select distinct financial_year, financial_year_start, month_end, days_of_year from counted
),

activity as (
    select
        counted.financial_year,
        counted.month_end,
        counted.service_type,
        count(case when counted.is_open_at_month_end then 1 end) as snapshot_placements,
        sum(counted.days_in_year) as placement_days,
        sum(counted.weekly_cost_gbp * counted.days_in_year / 7.0) as spend_52_weeks
    from counted
    group by counted.financial_year, counted.month_end, counted.service_type
),

line_rows as (
    select
        months.financial_year,
        months.month_end,
        months.days_of_year,
        lines.service_type,
        lines.kad_group,
        lines.kad_order,
        -- A line with activity but no budget row shows a zero budget (all of it is variance).
        coalesce(budgets.budgeted_placements, 0) as budgeted_placements,
        coalesce(budgets.annual_budget_gbp, 0) as annual_budget_gbp,
        coalesce(budgets.weeks_funded, lines.weeks_funded_default) as weeks_funded,
        coalesce(activity.snapshot_placements, 0) as snapshot_placements,
        coalesce(activity.placement_days, 0) as placement_days,
        coalesce(activity.spend_52_weeks, 0) as spend_52_weeks
    from months
    cross join lines
    left join budgets
        on budgets.financial_year = months.financial_year and budgets.service_type = lines.service_type
    left join activity
        on activity.financial_year = months.financial_year and activity.month_end = months.month_end
        and activity.service_type = lines.service_type
    where budgets.service_type is not null or activity.service_type is not null
),

lines_costed as (
    select
        'line' as row_type,
        financial_year,
        month_end,
        service_type,
        kad_order * 10 as row_order,
        kad_group,
        budgeted_placements,
        annual_budget_gbp,
        weeks_funded,
        snapshot_placements,
        1.0 * placement_days / days_of_year as yearly_average_placements,
        spend_52_weeks * weeks_funded / 52.0 as projected_spend_gbp,
        coalesce(budgeted_placements, 0) * weeks_funded as budget_placement_weeks,
        1.0 * placement_days / days_of_year * weeks_funded as actual_placement_weeks
    from line_rows
),

groups as (
    select
        case when grouping(kad_group) = 1 then 'total' else 'group' end as row_type,
        financial_year,
        month_end,
        coalesce(kad_group, 'all') as service_type,
        case kad_group when 'external' then 75 when 'in_house' then 115 when 'adoption' then 125 else 999 end
            as row_order,
        coalesce(kad_group, 'all') as kad_group,
        sum(coalesce(budgeted_placements, 0)) as budgeted_placements,
        sum(coalesce(annual_budget_gbp, 0)) as annual_budget_gbp,
        cast(null as integer) as weeks_funded,
        sum(snapshot_placements) as snapshot_placements,
        sum(yearly_average_placements) as yearly_average_placements,
        sum(projected_spend_gbp) as projected_spend_gbp,
        sum(budget_placement_weeks) as budget_placement_weeks,
        sum(actual_placement_weeks) as actual_placement_weeks
    from lines_costed
    group by grouping sets ((financial_year, month_end, kad_group), (financial_year, month_end))
),

all_rows as (
    select * from lines_costed
    union all
    select * from groups
),

costed as (
    select
        all_rows.*,
        case when budget_placement_weeks > 0 then annual_budget_gbp / budget_placement_weeks end
            as budget_weekly_cost_gbp,
        case when actual_placement_weeks > 0 then projected_spend_gbp / actual_placement_weeks end
            as actual_weekly_cost_gbp,
        projected_spend_gbp - coalesce(annual_budget_gbp, 0) as variance_spend_gbp
    from all_rows
)

select
    financial_year,
    month_end as reporting_month_end,
    row_type,
    service_type,
    cast(row_order as integer) as row_order,
    cast(budgeted_placements as double precision) as budgeted_placements,
    cast(annual_budget_gbp as double precision) as annual_budget_gbp,
    cast(weeks_funded as integer) as weeks_funded,
    cast(budget_weekly_cost_gbp as double precision) as budget_weekly_cost_gbp,
    cast(snapshot_placements as integer) as snapshot_placements,
    cast(yearly_average_placements as double precision) as yearly_average_placements,
    cast(projected_spend_gbp as double precision) as projected_spend_gbp,
    cast(actual_weekly_cost_gbp as double precision) as actual_weekly_cost_gbp,
    cast(yearly_average_placements - coalesce(budgeted_placements, 0) as double precision) as variance_placements,
    cast(variance_spend_gbp as double precision) as variance_spend_gbp,
    cast(actual_weekly_cost_gbp - budget_weekly_cost_gbp as double precision) as variance_weekly_cost_gbp,
    -- Compared in pennies, so a variance of exactly 2% is not flagged by a floating-point hair.
    round(cast(abs(variance_spend_gbp) as decimal(18, 4)), 2)
        > round(cast(greatest(0.02 * coalesce(annual_budget_gbp, 0), 100000) as decimal(18, 4)), 2) as needs_commentary,
    row_type <> 'line' as is_total
from costed
