-- The action each kind takes is ingest/rules.py's; spelled here as the to-fix list shows it.
select
    source,
    extract_date,
    snapshot_fingerprint,
    file_name,
    split_part(lower(file_name), '.', 1) as entity,
    row_number,
    column_name,
    rule,
    kind,
    case kind
        when 'structural' then 'snapshot refused'
        when 'suspect' then 'snapshot held'
        when 'row' then 'row quarantined'
        else 'loaded, flagged'
    end as action,
    case when kind in ('structural', 'suspect') then 'blocking' when kind = 'row' then 'error' else 'warning' end
        as severity,
    record_key,
    child_id,
    recorded_at
from {{ source('gate', 'problems') }}
