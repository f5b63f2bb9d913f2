-- How the CIN census files of the published snapshot were stitched into one history: one row per rule, item
-- (child or CIN episode) and the census year whose copy was kept, with how many items and children.
select
    rule,
    rule_description,
    item,
    census_year,
    count(*) as items,
    count(distinct child_id) as children,
    max(extract_date) as extract_date
from {{ ref('stg_cin_census__stitch_log') }}
group by rule, rule_description, item, census_year
