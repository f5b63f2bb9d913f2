{#- Failing rows: those matching `condition`, a rule between columns the council must keep when editing a seed. -#}
{% test no_rows_where(model, condition) %}
select *
from {{ model }}
where {{ condition }}
{% endtest %}
