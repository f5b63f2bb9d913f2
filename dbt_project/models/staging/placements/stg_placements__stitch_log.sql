-- Empty unless the placements history was landed by `cscw import ssda903` (an optional file).
select
    child as child_id,
    decom as episode_start_date,
    source_year,
    rule,
    {{ decode('ssda903_stitch_rule', 'rule') }} as rule_description,
    {{ decode('ssda903_stitch_rule', 'rule', 'liiatools_rule') }} as liiatools_rule,
    detail,
    extract_date
from {{ source('placements', 'stitch_log') }}
