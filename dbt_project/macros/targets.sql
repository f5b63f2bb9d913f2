{#- Months since year 0 of a date's month: the difference of two is a whole number of months. -#}
{% macro month_index(day) -%}
    (cast(extract(year from {{ day }}) as integer) * 12 + cast(extract(month from {{ day }}) as integer))
{%- endmacro %}
