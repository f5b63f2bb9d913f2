{#- The rows of a case entity from the layout the council sends (README "The CIN census in"): the case CSV
    layout's when the published case snapshot has any row of the entity, otherwise the CIN census's (its
    staging model stg_cin_census__<entity> gives the same columns). A subquery, for `from ... as <alias>`. -#}
{% macro case_or_census(entity, columns) -%}
    (
        select {{ columns | join(', ') }} from {{ source('case', entity) }}
        union all
        select {{ columns | join(', ') }} from {{ ref('stg_cin_census__' ~ entity) }}
        where not exists (select 1 from {{ source('case', entity) }})
    )
{%- endmacro %}
