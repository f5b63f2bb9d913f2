-- edge_of_care_flag (MEASURES.md) as a compact interval table: one row per maximal run of days a child
-- is on the edge of care, flag_start <= D < flag_end (null = still flagged). Overlapping or touching
-- spans merge; the reasons that made up the run are listed.
with spans as (
    select * from {{ ref('int_edge_of_care_spans_unioned') }}
    where span_end is null or span_end > span_start
),

islands as (
    {{ interval_islands('spans', 'child_id', 'span_start', 'span_end') }}
)

select
    child_id,
    min(span_start) as flag_start,
    {{ merged_interval_end('span_end') }} as flag_end,
    {{ sorted_distinct_text('reason', ', ') }} as reasons
from islands
group by child_id, island
