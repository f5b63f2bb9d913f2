{#- The final select of every measure mart. `measures` is a CTE with measure_code, period_type,
    period_start, period_end, breakdown_type, breakdown_value, numerator, denominator and statistic.
    How a measure's value follows from them is the registry's (seeds/config/measure_registry.csv), not
    the code's spelling: calculation 'count' takes the numerator, 'statistic' the statistic (a median, a
    difference, a sum of money), and 'ratio' scales numerator / denominator by the unit (x100 for a
    percent, x10,000 for a rate per 10,000, x1 for a mean). A ratio over no denominator is null. A code
    missing from the registry gets a null value here and fails its mart's registered_measure test. -#}
{% macro select_measures(measures, extra_columns=[]) -%}
select
    {{ measures }}.measure_code,
    {{ measures }}.period_type,
    {{ measures }}.period_start,
    {{ measures }}.period_end,
    {{ measures }}.breakdown_type,
    {{ measures }}.breakdown_value,
    {{ measures }}.breakdown_type = 'all' as is_total,
    cast({{ measures }}.numerator as bigint) as numerator,
    cast({{ measures }}.denominator as bigint) as denominator,
    {{ measure_value(measures) }} as value
    {%- for column in extra_columns %},
    {{ column }}
    {%- endfor %}
from {{ measures }}
left join {{ ref('measure_registry') }} as registry on registry.measure_code = {{ measures }}.measure_code
{%- endmacro %}

{% macro measure_value(measures) -%}
    cast(case registry.calculation
        when 'statistic' then {{ measures }}.statistic
        when 'ratio' then
            case when {{ measures }}.denominator > 0 then
                case registry.unit
                    when 'percent' then 100.0 * {{ measures }}.numerator / {{ measures }}.denominator
                    when 'rate_per_10k' then 10000.0 * {{ measures }}.numerator / {{ measures }}.denominator
                    else 1.0 * {{ measures }}.numerator / {{ measures }}.denominator
                end
            end
        when 'count' then {{ measures }}.numerator
    end as double precision)
{%- endmacro %}
