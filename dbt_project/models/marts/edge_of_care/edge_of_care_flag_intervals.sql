-- edge_of_care_flag (MEASURES.md) as a compact interval table: one row per maximal run of days a child
-- is on the edge of care, flag_start <= D < flag_end (null = still flagged). Overlapping or touching
-- spans merge; the reasons that made up the run are listed.
with spans as (
    select * from {{ ref('int_edge_of_care_spans_unioned') }}
    where span_end is null or span_end > span_start
),

ordered as (
    select
        spans.*,
        -- Furthest end reached by any earlier span of the child (an open span reaches forever).
        max(coalesce(span_end, date '9999-12-31')) over (
            partition by child_id order by span_start, span_end
            rows between unbounded preceding and 1 preceding
        ) as reach_before
    from spans
),

islands as (
    select
        ordered.*,
        sum(case when reach_before is null or span_start > reach_before then 1 else 0 end) over (
            partition by child_id order by span_start, span_end rows between unbounded preceding and current row
        ) as island
    from ordered
)

select
    child_id,
    min(span_start) as flag_start,
    nullif(max(coalesce(span_end, date '9999-12-31')), date '9999-12-31') as flag_end,
    {{ sorted_distinct_text('reason', ', ') }} as reasons
from islands
group by child_id, island
