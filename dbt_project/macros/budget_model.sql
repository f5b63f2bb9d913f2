{#- The budget model's years (finance_budget_model and int_commitment_days_classified share them): the CTEs
    `base` (base_end = 31 March of FY0, the latest complete financial year) and `years` (year_ahead k, its
    year_start and year_end, for each k in `offsets`). -#}
{% macro budget_model_years(offsets) -%}
base as (
    select max(period_end) as base_end
    from {{ ref('int_reporting_periods') }}
    where period_type = 'financial_year'
),

years as (
    {%- for k in offsets %}
    select
        {{ k }} as year_ahead,
        {{ add_months('base.base_end + 1', 12 * (k - 1)) }} as year_start,
        cast({{ add_months('base.base_end + 1', 12 * k) }} - 1 as date) as year_end
    from base
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)
{%- endmacro %}
