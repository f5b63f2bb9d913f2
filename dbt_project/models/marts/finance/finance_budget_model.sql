-- The LAC budget model as the council builds it (001; DOMAIN.md 4.10, 4.13; issue 23 item 4), one row per
-- scenario, financial year and budget line of the external and in-house KAD groups (adoption allowances are
-- another budget). FY0 = the latest complete financial year; actual rows for FY-2..FY0, then FY1..FY5 twice:
-- do_nothing and strategy.
-- 1. 52-week equivalents = commitment days in the year / days in the year, split by day into modelled, UASC
--    and staying-put days (int_commitment_days_classified); the last two are shown apart and never priced.
-- 2. Unit cost, flat: the latest budget_model_unit_costs row from on or before the year (weekly cost x weeks
--    funded), else FY0 March's KAD actual weekly cost x weeks funded (weeks funded: FY0 budget, else the line
--    default). A block line (configured block cost; in-house residential unless the council gives it a weekly
--    cost and no block) spends its block cost, else its FY0 budget, whatever its placements.
-- 3. do_nothing: T(FY0) + k x slope (the straight line of the last two years), at least 0, in the FY0 mix.
--    strategy: T(FY0) x N_k / N0, N0 = children looked after at FY0's 31 March and N_k the lac_count target on
--    FY_k's 31 March; lines with a lac_budget_line_share_pct target take its value, the rest share what is
--    left in their FY0 proportions (none when the targets sum past 100%).
-- 4. comparison budget = the year's budget, else the latest earlier one, flat; 0 if none.
-- Choices the definition leaves open: a target is read as the scorecard reads it (glide path by month,
-- rounded to 1 dp), and after it ends (or in a gap before the next) its final value is held; a band target
-- (both min and max) plans its midpoint; a line whose unit cost is unknown (no FY0 activity, not configured)
-- has a blank unit cost and spend (0 when it has no equivalents); shares targeted for a line outside the
-- model are ignored.
with {{ budget_model_years(range(-2, 6)) }},

labelled_years as (
    select
        year_ahead,
        year_end,
        cast(extract(year from year_start) as varchar) || '-'
            || right(cast(extract(year from year_start) + 1 as varchar), 2) as financial_year
    from years
),

lines as (
    select code as service_type, kad_group, weeks_funded_default
    from {{ ref('finance_service_type') }}
    where kad_group in ('external', 'in_house')
),

budgets as (
    select * from {{ ref('stg_finance__budgets') }}
),

actual as (
    select
        year_ahead,
        service_type,
        1.0 * sum(modelled_days) / max(days_of_year) as modelled,
        1.0 * sum(uasc_days) / max(days_of_year) as uasc,
        1.0 * sum(staying_put_days) / max(days_of_year) as staying_put,
        sum(modelled_days + uasc_days + staying_put_days) as all_days
    from {{ ref('int_commitment_days_classified') }}
    group by year_ahead, service_type
),

model_lines as (
    select lines.*
    from lines
    where lines.service_type in (select service_type from actual)
        or lines.service_type in (
            select budgets.service_type from budgets
            inner join labelled_years on labelled_years.financial_year = budgets.financial_year
            where labelled_years.year_ahead <= 0
        )
),

actual_rows as (
    select
        'actual' as scenario,
        labelled_years.year_ahead,
        model_lines.service_type,
        coalesce(actual.modelled, 0) as modelled,
        coalesce(actual.uasc, 0) as uasc,
        coalesce(actual.staying_put, 0) as staying_put,
        coalesce(actual.all_days, 0) as all_days
    from labelled_years
    cross join model_lines
    left join actual
        on actual.year_ahead = labelled_years.year_ahead and actual.service_type = model_lines.service_type
    where labelled_years.year_ahead <= 0
),

trend as (
    select
        sum(case when year_ahead = 0 then modelled else 0 end) as total_0,
        case
            when sum(case when year_ahead = -2 then all_days else 0 end) > 0
                then (sum(case when year_ahead = 0 then modelled else 0 end)
                      - sum(case when year_ahead = -2 then modelled else 0 end)) / 2.0
            when sum(case when year_ahead = -1 then all_days else 0 end) > 0
                then sum(case when year_ahead = 0 then modelled else 0 end)
                     - sum(case when year_ahead = -1 then modelled else 0 end)
            else 0
        end as slope
    from actual_rows
),

base_mix as (
    select
        actual_rows.service_type,
        case when trend.total_0 > 0 then actual_rows.modelled / trend.total_0 else 0 end as share
    from actual_rows
    cross join trend
    where actual_rows.year_ahead = 0
),

base_lac as (
    select max(measures.numerator) as looked_after
    from {{ ref('lac_measures') }} as measures
    inner join base on measures.period_end = base.base_end
    where measures.measure_code = 'lac_count' and measures.period_type = 'financial_year'
        and measures.breakdown_type = 'all'
),

-- The targets on each projected year's 31 March: the one in force (as the scorecard picks it), else the
-- latest begun, held at its final value.
targets_ranked as (
    select
        labelled_years.year_ahead,
        targets.indicator_code,
        targets.breakdown_value,
        {%- for bound in ['min', 'max'] %}
        {{ glide_path_value('targets.target_' ~ bound, 'targets.glide_to_' ~ bound, 'targets.valid_from',
                            'targets.valid_to', 'least(labelled_years.year_end, coalesce(targets.valid_to, '
                            ~ 'labelled_years.year_end))') }} as value_{{ bound }},
        {%- endfor %}
        row_number() over (
            partition by labelled_years.year_ahead, targets.indicator_code, targets.breakdown_value
            order by (targets.valid_to is null or targets.valid_to >= labelled_years.year_end) desc,
                targets.valid_from desc
        ) as recency
    from labelled_years
    inner join {{ ref('scorecard_targets') }} as targets
        on targets.valid_from <= labelled_years.year_end
    where labelled_years.year_ahead > 0
        and ((targets.indicator_code = 'lac_count' and targets.breakdown_type = 'all')
             or (targets.indicator_code = 'lac_budget_line_share_pct' and targets.breakdown_type = 'budget_line'
                 and targets.breakdown_value is not null))
),

targets_held as (
    select
        year_ahead,
        indicator_code,
        breakdown_value,
        case
            when value_max is null then value_min
            when value_min is null then value_max
            else (value_min + value_max) / 2
        end as target_value
    from targets_ranked
    where recency = 1
),

projected_totals as (
    select
        labelled_years.year_ahead,
        greatest(0, trend.total_0 + labelled_years.year_ahead * trend.slope) as do_nothing_total,
        case when base_lac.looked_after > 0
            then trend.total_0 * coalesce(lac_target.target_value, base_lac.looked_after) / base_lac.looked_after
            else trend.total_0 end as strategy_total
    from labelled_years
    cross join trend
    cross join base_lac
    left join targets_held as lac_target
        on lac_target.year_ahead = labelled_years.year_ahead and lac_target.indicator_code = 'lac_count'
    where labelled_years.year_ahead > 0
),

mix_targeted as (
    select
        projected_totals.year_ahead,
        base_mix.service_type,
        base_mix.share,
        share_target.target_value / 100.0 as target_share
    from projected_totals
    cross join base_mix
    left join targets_held as share_target
        on share_target.year_ahead = projected_totals.year_ahead
        and share_target.indicator_code = 'lac_budget_line_share_pct'
        and share_target.breakdown_value = base_mix.service_type
),

mix_summed as (
    select
        mix_targeted.*,
        sum(coalesce(target_share, 0)) over (partition by year_ahead) as targeted_share,
        sum(case when target_share is null then share else 0 end) over (partition by year_ahead) as untargeted_share
    from mix_targeted
),

mix_strategy as (
    select
        year_ahead,
        service_type,
        share,
        coalesce(target_share, case when untargeted_share > 0
            then greatest(0, 1 - targeted_share) * share / untargeted_share else 0 end) as strategy_share
    from mix_summed
),

scenarios as (
    select 'do_nothing' as scenario
    union all
    select 'strategy'
),

projected_rows as (
    select
        scenarios.scenario,
        mix_strategy.year_ahead,
        mix_strategy.service_type,
        case scenarios.scenario
            when 'do_nothing' then projected_totals.do_nothing_total * mix_strategy.share
            else projected_totals.strategy_total * mix_strategy.strategy_share
        end as modelled,
        cast(null as double precision) as uasc,
        cast(null as double precision) as staying_put
    from mix_strategy
    inner join projected_totals on projected_totals.year_ahead = mix_strategy.year_ahead
    cross join scenarios
),

modelled_rows as (
    select scenario, year_ahead, service_type, modelled, uasc, staying_put from actual_rows
    union all
    select * from projected_rows
),

configured as (
    select
        labelled_years.financial_year,
        costs.service_type,
        costs.weekly_cost_gbp,
        costs.block_cost_gbp,
        row_number() over (
            partition by labelled_years.financial_year, costs.service_type order by costs.from_financial_year desc
        ) as recency
    from labelled_years
    inner join {{ ref('budget_model_unit_costs') }} as costs
        on costs.from_financial_year <= labelled_years.financial_year
),

base_costs as (
    select
        model_lines.service_type,
        coalesce(base_budget.weeks_funded, model_lines.weeks_funded_default) as weeks_funded,
        base_budget.annual_budget_gbp as base_budget_gbp,
        kad.actual_weekly_cost_gbp as kad_weekly_cost_gbp
    from model_lines
    cross join base
    left join labelled_years as base_year on base_year.year_ahead = 0
    left join budgets as base_budget
        on base_budget.service_type = model_lines.service_type
        and base_budget.financial_year = base_year.financial_year
    left join {{ ref('finance_key_activity_data') }} as kad
        on kad.service_type = model_lines.service_type and kad.row_type = 'line'
        and kad.reporting_month_end = base.base_end
),

comparison as (
    select
        labelled_years.financial_year,
        budgets.service_type,
        budgets.annual_budget_gbp,
        row_number() over (
            partition by labelled_years.financial_year, budgets.service_type order by budgets.financial_year desc
        ) as recency
    from labelled_years
    inner join budgets on budgets.financial_year <= labelled_years.financial_year
),

priced as (
    select
        modelled_rows.*,
        labelled_years.financial_year,
        model_lines.kad_group,
        coalesce(configured.weekly_cost_gbp, base_costs.kad_weekly_cost_gbp) * base_costs.weeks_funded
            as unit_annual_cost_gbp,
        configured.block_cost_gbp is not null
        or (modelled_rows.service_type = 'INHOUSE_RES' and configured.weekly_cost_gbp is null) as is_block,
        configured.weekly_cost_gbp is not null as is_configured,
        coalesce(configured.block_cost_gbp, base_costs.base_budget_gbp, 0) as block_cost_gbp,
        coalesce(comparison.annual_budget_gbp, 0) as comparison_budget_gbp
    from modelled_rows
    inner join labelled_years on labelled_years.year_ahead = modelled_rows.year_ahead
    inner join model_lines on model_lines.service_type = modelled_rows.service_type
    inner join base_costs on base_costs.service_type = modelled_rows.service_type
    left join configured
        on configured.financial_year = labelled_years.financial_year
        and configured.service_type = modelled_rows.service_type and configured.recency = 1
    left join comparison
        on comparison.financial_year = labelled_years.financial_year
        and comparison.service_type = modelled_rows.service_type and comparison.recency = 1
),

spent as (
    select
        priced.*,
        case
            when is_block then block_cost_gbp
            when modelled = 0 then 0
            else modelled * unit_annual_cost_gbp
        end as projected_spend_gbp
    from priced
)

select
    scenario,
    financial_year,
    cast(year_ahead as integer) as year_ahead,
    service_type,
    kad_group,
    cast(modelled as double precision) as modelled_52_week_equivalents,
    cast(uasc as double precision) as uasc_52_week_equivalents,
    cast(staying_put as double precision) as staying_put_52_week_equivalents,
    cast(unit_annual_cost_gbp as double precision) as unit_annual_cost_gbp,
    case when is_block then 'block' when is_configured then 'configured' else 'kad_actual' end as cost_basis,
    cast(projected_spend_gbp as double precision) as projected_spend_gbp,
    cast(comparison_budget_gbp as double precision) as comparison_budget_gbp,
    cast(projected_spend_gbp - comparison_budget_gbp as double precision) as variance_gbp
from spent
