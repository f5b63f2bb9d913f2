{#- The rows of `relation` (intervals start <= D < end, a null end open for ever) with `island`: the number of
    the maximal run of overlapping or touching intervals each belongs to within `partition_by`. A run's start
    is its min(start), its end its max(end) with null winning (merged_interval_end). Linear in the rows: one sort
    and two running windows, never a join of intervals against each other. -#}
{% macro interval_islands(relation, partition_by, start, end) -%}
select
    ordered.*,
    sum(case when ordered.reach_before is null or ordered.{{ start }} > ordered.reach_before then 1 else 0 end) over (
        partition by {{ partition_by }} order by ordered.{{ start }}, ordered.{{ end }}
        rows between unbounded preceding and current row
    ) as island
from (
    select
        {{ relation }}.*,
        -- Furthest end reached by any earlier interval in the partition (an open one reaches for ever).
        max(coalesce({{ relation }}.{{ end }}, date '9999-12-31')) over (
            partition by {{ partition_by }} order by {{ relation }}.{{ start }}, {{ relation }}.{{ end }}
            rows between unbounded preceding and 1 preceding
        ) as reach_before
    from {{ relation }}
) as ordered
{%- endmacro %}

{#- The end of a run of intervals grouped by island: null (open) when any of them is open. -#}
{% macro merged_interval_end(end) -%}
    nullif(max(coalesce({{ end }}, date '9999-12-31')), date '9999-12-31')
{%- endmacro %}
