-- Which placements files the published snapshot had: one row per placements table declared as a dbt source
-- (every contract entity is one). The ledger lists the files of each snapshot, so an optional file the
-- extract lacked is one with no ledger row. The entities come from dbt's graph, known only when running.
{%- set entities = [] %}
{%- if execute %}
    {%- for node in graph.sources.values() if node.source_name == 'placements' %}
        {%- do entities.append(node.name) %}
    {%- endfor %}
{%- endif %}

with loaded as (
    select
        extract_date,
        snapshot_fingerprint,
        entity,
        recorded_at
    from {{ ref('stg_gate__ledger') }}
    where source = 'placements' and status = 'loaded'
),

-- The newest loaded date; of two loads of one date (a folder changed and sent again), the later.
published as (
    select snapshot_fingerprint
    from loaded
    order by extract_date desc, recorded_at desc
    limit 1
),

present as (
    select distinct loaded.entity
    from loaded
    inner join published on loaded.snapshot_fingerprint = published.snapshot_fingerprint
),

entities as (
    {%- for entity in entities %}
        select '{{ entity }}' as entity
        {%- if not loop.last %} union all{% endif %}
    {%- else %}
        select cast(null as varchar) as entity where false
    {%- endfor %}
)

select
    entities.entity,
    present.entity is not null as is_present
from entities
left join present on entities.entity = present.entity
