-- What each night did to each source: one row per source and snapshot date with what the loader decided
-- (loaded, refused, held, unchanged; accepted when an operator let a held one through), the rows in its
-- files, and how many rows were quarantined or flagged.
with snapshots as (
    select
        source,
        extract_date,
        snapshot_fingerprint,
        max(case when status = 'loaded' then 1 else 0 end) as was_loaded,
        max(case when status = 'accepted' then 1 else 0 end) as was_accepted,
        sum(case when status = 'loaded' then rows_in_file end) as rows_in_files
    from {{ ref('stg_gate__ledger') }}
    group by source, extract_date, snapshot_fingerprint
),

last_status as (
    select
        source,
        extract_date,
        snapshot_fingerprint,
        status,
        message,
        row_number() over (
            partition by source, extract_date, snapshot_fingerprint
            order by case status when 'loaded' then 0 else 1 end, recorded_at desc
        ) as recency
    from {{ ref('stg_gate__ledger') }}
    where status <> 'accepted'
),

problems as (
    select
        source,
        extract_date,
        snapshot_fingerprint,
        count(distinct case when kind = 'row' then file_name || ':' || cast(row_number as varchar) end)
            as rows_quarantined,
        sum(case when kind = 'flag' then 1 else 0 end) as flags,
        sum(case when kind in ('structural', 'suspect') then 1 else 0 end) as blocking_problems
    from {{ ref('stg_gate__problems') }}
    group by source, extract_date, snapshot_fingerprint
)

select
    snapshots.source,
    snapshots.extract_date,
    snapshots.snapshot_fingerprint,
    last_status.status,
    snapshots.was_accepted = 1 as was_accepted,
    snapshots.rows_in_files,
    coalesce(problems.rows_quarantined, 0) as rows_quarantined,
    coalesce(problems.flags, 0) as flags,
    coalesce(problems.blocking_problems, 0) as blocking_problems,
    last_status.message
from snapshots
inner join last_status
    on last_status.source = snapshots.source
    and last_status.extract_date = snapshots.extract_date
    and last_status.snapshot_fingerprint = snapshots.snapshot_fingerprint
    and last_status.recency = 1
left join problems
    on problems.source = snapshots.source
    and problems.extract_date = snapshots.extract_date
    and problems.snapshot_fingerprint = snapshots.snapshot_fingerprint
