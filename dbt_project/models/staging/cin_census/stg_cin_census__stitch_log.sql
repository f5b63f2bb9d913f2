select
    child_id,
    item,
    item_key,
    census_year,
    rule,
    {{ decode('cin_census_stitch_rule', 'rule') }} as rule_description,
    detail,
    extract_date
from {{ source('cin_census', 'stitch_log') }}
