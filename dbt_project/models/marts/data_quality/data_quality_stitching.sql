-- The stitching rules `cscw import ssda903` applied to the imported history: one row per rule and the
-- return year the changed episodes came from, the episodes and children it changed; as_returned counts
-- the episodes no rule changed. Empty unless the placements history was imported.
select
    rule,
    rule_description,
    liiatools_rule,
    source_year,
    count(*) as episodes,
    count(distinct child_id) as children,
    min(episode_start_date) as first_episode_start_date,
    max(episode_start_date) as last_episode_start_date,
    max(extract_date) as extract_date
from {{ ref('stg_placements__stitch_log') }}
group by rule, rule_description, liiatools_rule, source_year
