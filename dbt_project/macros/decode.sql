{#- Look a code up in a reference seed: the description by default, or another attribute of the code. -#}
{% macro decode(seed, code_expression, attribute='description') -%}
    (select lookup.{{ attribute }} from {{ ref(seed) }} as lookup where lookup.code = {{ code_expression }})
{%- endmacro %}

{#- Y/N flags from the landing files become booleans; anything else is null (and fails accepted values). -#}
{% macro yes_no(column) -%}
    case upper({{ column }}) when 'Y' then true when 'N' then false end
{%- endmacro %}
