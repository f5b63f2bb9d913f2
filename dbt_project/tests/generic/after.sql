{#- Failing rows: an end date on or before its start date (a date range must be at least one day long). -#}
{% test after(model, column_name, start_column) %}
select *
from {{ model }}
where {{ column_name }} <= {{ start_column }}
{% endtest %}
