-- The one place overlapping episodes are resolved (rule episode_overlap in ingest/rules.py): ordered by
-- DECOM, an episode still open, or ending after the child's next episode starts, is taken to end on that
-- next DECOM, as the DfE's episode rules and liiatools' episode fix do. REC is left as recorded. The gate
-- lists every such overlap in data_quality.data_quality_problems for the council to correct at source.
{%- set kept = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(ref('stg_placements__episodes')) %}
        {%- if column.name != 'episode_end_date' %}{% do kept.append(column.name) %}{% endif %}
    {%- endfor %}
{%- endif %}
with ordered as (
    select
        episodes.*,
        lead(episode_start_date) over (partition by child_id order by episode_start_date) as next_start_date
    from {{ ref('stg_placements__episodes') }} as episodes
)

select
    {%- for name in kept %}
    {{ name }},
    {%- endfor %}
    case
        when next_start_date is not null and (episode_end_date is null or episode_end_date > next_start_date)
            then next_start_date
        else episode_end_date
    end as episode_end_date,
    episode_end_date as episode_end_date_as_recorded,
    next_start_date is not null and (episode_end_date is null or episode_end_date > next_start_date)
        as is_end_date_resolved
from ordered
