{#- Failing rows: an end date earlier than its start date. -#}
{% test not_before(model, column_name, start_column) %}
select *
from {{ model }}
where {{ column_name }} < {{ start_column }}
{% endtest %}
