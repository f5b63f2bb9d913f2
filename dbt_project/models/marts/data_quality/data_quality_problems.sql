-- The to-fix list: one row per problem (source, file, rule, column, record), with the nights it was first and
-- last seen. A problem is open while it is in the source's latest loaded snapshot, or in a later one that was
-- refused or held; it closes when a snapshot without it loads. Keys only, never the rows' values.
with latest_load as (
    select source, max(extract_date) as latest_loaded_date
    from {{ ref('stg_gate__ledger') }}
    where status = 'loaded'
    group by source
),

seen as (
    select
        source,
        entity,
        file_name,
        rule,
        kind,
        action,
        severity,
        column_name,
        record_key,
        child_id,
        extract_date,
        count(*) as occurrences,
        min(row_number) as row_number,
        row_number() over (
            partition by source, entity, rule, column_name, record_key order by extract_date desc
        ) as recency
    from {{ ref('stg_gate__problems') }}
    group by source, entity, file_name, rule, kind, action, severity, column_name, record_key, child_id, extract_date
),

spans as (
    select
        source,
        entity,
        rule,
        column_name,
        record_key,
        min(extract_date) as first_seen_date,
        max(extract_date) as last_seen_date,
        count(*) as nights_seen
    from seen
    group by source, entity, rule, column_name, record_key
)

select
    latest.source,
    latest.entity,
    latest.file_name,
    latest.row_number,
    latest.column_name,
    latest.record_key,
    latest.child_id,
    latest.rule,
    latest.kind,
    latest.action,
    latest.severity,
    latest.occurrences as rows_in_latest_snapshot,
    spans.first_seen_date,
    spans.last_seen_date,
    spans.nights_seen,
    load.latest_loaded_date is null or spans.last_seen_date >= load.latest_loaded_date as is_open
from seen as latest
inner join spans
    on spans.source = latest.source
    and spans.entity = latest.entity
    and spans.rule = latest.rule
    and spans.column_name is not distinct from latest.column_name
    and spans.record_key is not distinct from latest.record_key
left join latest_load as load on load.source = latest.source
where latest.recency = 1
