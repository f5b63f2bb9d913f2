{#- Failing rows: measure codes of a measure mart that the registry (seeds/config/measure_registry.csv)
    does not list with this mart as their source. A new measure is registered once, there; the marts'
    tests need no list of codes. -#}
{% test registered_measure(model, column_name) %}
select distinct measures.{{ column_name }}
from {{ model }} as measures
left join {{ ref('measure_registry') }} as registry
    on registry.measure_code = measures.{{ column_name }}
    and registry.source = '{{ model.identifier }}'
where registry.measure_code is null
{% endtest %}
