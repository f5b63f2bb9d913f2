{#- Months since year 0 of a date's month: the difference of two is a whole number of months. -#}
{% macro month_index(day) -%}
    (cast(extract(year from {{ day }}) as integer) * 12 + cast(extract(month from {{ day }}) as integer))
{%- endmacro %}

{#- A scorecard_targets row's value on a day: flat, or on a glide path the straight line month by month from
    its value at valid_from to the glide value at valid_to, rounded to 1 decimal place as the report shows it. -#}
{% macro glide_path_value(value, glide_to, valid_from, valid_to, day) -%}
    case
        when {{ glide_to }} is null or {{ month_index(valid_to) }} - {{ month_index(valid_from) }} <= 0
            then {{ value }}
        else cast(round(cast(
            {{ value }} + ({{ glide_to }} - {{ value }}) * ({{ month_index(day) }} - {{ month_index(valid_from) }})
            / ({{ month_index(valid_to) }} - {{ month_index(valid_from) }}) as numeric), 1) as double precision)
    end
{%- endmacro %}
