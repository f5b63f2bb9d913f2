select
    source,
    extract_date,
    file_name,
    split_part(lower(file_name), '.', 1) as entity,
    content_hash,
    snapshot_fingerprint,
    row_count as rows_in_file,
    status,
    recorded_at,
    message
from {{ source('gate', 'ledger') }}
