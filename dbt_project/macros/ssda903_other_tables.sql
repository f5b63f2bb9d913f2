{#- The SSDA903 tables beyond the first five, each cut from full history to one collection year; DOB
    from the Header, as the other tables have it (rules INT11-INT16 compare them). -#}

{#- Children whose rows a year's table may carry: those with an episode in the year (ssda903_children),
    joined to their Header for DOB. -#}
{% macro ssda903_table_children(years_back) -%}
    collection as ({{ ssda903_collection(years_back) }}),
    children as ({{ ssda903_children(years_back) }}),
    header as (
        select header.child_id, header.date_of_birth
        from {{ ref('stg_placements__header') }} as header
        inner join children on children.child_id = header.child_id
    )
{%- endmacro %}

{#- OC2 (children looked after for the whole year) and OC3 (care leavers): the rows the extract holds for
    the year. A care leaver no longer in care has no episode in the year, so OC3 takes DOB from every Header
    row; the year's Header lists those young people too (ssda903_header). -#}
{% macro ssda903_oc2(years_back=0) -%}
with {{ ssda903_table_children(years_back) }}
select
    oc2.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    cast(oc2.sdq_score as varchar) as "SDQ_SCORE",
    oc2.sdq_reason as "SDQ_REASON",
    oc2.convicted as "CONVICTED",
    oc2.health_check as "HEALTH_CHECK",
    oc2.immunisations as "IMMUNISATIONS",
    oc2.teeth_check as "TEETH_CHECK",
    oc2.health_assessment as "HEALTH_ASSESSMENT",
    oc2.substance_misuse as "SUBSTANCE_MISUSE",
    oc2.intervention_received as "INTERVENTION_RECEIVED",
    oc2.intervention_offered as "INTERVENTION_OFFERED"
from {{ ref('stg_placements__oc2') }} as oc2
inner join header on header.child_id = oc2.child_id
cross join collection
where oc2.collection_year = collection.collection_year
{%- endmacro %}

{% macro ssda903_oc3(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }})
select
    oc3.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    oc3.in_touch as "IN_TOUCH",
    oc3.activ as "ACTIV",
    oc3.accom as "ACCOM"
from {{ ref('stg_placements__oc3') }} as oc3
inner join {{ ref('stg_placements__header') }} as header on header.child_id = oc3.child_id
cross join collection
where oc3.collection_year = collection.collection_year
{%- endmacro %}

{#- AD1: the children adopted in the year (an episode ceasing E11 or E12 in it, rules 601 and 602). -#}
{% macro ssda903_ad1(years_back=0) -%}
with {{ ssda903_table_children(years_back) }},
adopted as (
    select distinct episodes.child_id
    from {{ ref('stg_placements__episodes') }} as episodes
    cross join collection
    where episodes.reason_episode_ceased in ('E11', 'E12')
        and episodes.episode_end_date between collection.year_start and collection.year_end
)
select
    ad1.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    {{ format_dmy('ad1.date_int') }} as "DATE_INT",
    {{ format_dmy('ad1.date_match') }} as "DATE_MATCH",
    ad1.foster_care as "FOSTER_CARE",
    ad1.nb_adoptr as "NB_ADOPTR",
    ad1.sex_adoptr as "SEX_ADOPTR",
    ad1.ls_adoptr as "LS_ADOPTR"
from {{ ref('stg_placements__ad1') }} as ad1
inner join adopted on adopted.child_id = ad1.child_id
inner join header on header.child_id = ad1.child_id
{%- endmacro %}

{#- PlacedAdoption: decisions to place for adoption standing at some time in the year, for children in it;
    a reversal after year end is not known to the year (blanked, like DEC). -#}
{% macro ssda903_placed_for_adoption(years_back=0) -%}
with {{ ssda903_table_children(years_back) }}
select
    placed.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    {{ format_dmy('placed.date_placed') }} as "DATE_PLACED",
    case when placed.date_placed_ceased <= collection.year_end then {{ format_dmy('placed.date_placed_ceased') }}
    end as "DATE_PLACED_CEASED",
    case when placed.date_placed_ceased <= collection.year_end then placed.reason_placed_ceased
    end as "REASON_PLACED_CEASED"
from {{ ref('stg_placements__placed_for_adoption') }} as placed
inner join header on header.child_id = placed.child_id
cross join collection
where placed.date_placed <= collection.year_end
    and (placed.date_placed_ceased is null or placed.date_placed_ceased >= collection.year_start)
{%- endmacro %}

{#- PrevPerm: asked when a period of care begins, so sent for the children who started one in the year
    (rule 630 wants them all; 634 refuses a child whose latest episode began before the year). -#}
{% macro ssda903_previous_permanence(years_back=0) -%}
with {{ ssda903_table_children(years_back) }},
started as (
    select distinct episodes.child_id
    from {{ ref('stg_placements__episodes') }} as episodes
    cross join collection
    where episodes.reason_new_episode = 'S'
        and episodes.episode_start_date between collection.year_start and collection.year_end
)
select
    perm.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    perm.prev_perm as "PREV_PERM",
    perm.la_perm as "LA_PERM",
    perm.date_perm as "DATE_PERM"
from {{ ref('stg_placements__previous_permanence') }} as perm
inner join started on started.child_id = perm.child_id
inner join header on header.child_id = perm.child_id
{%- endmacro %}

{#- Dated spells overlapping the year (social-worker episodes, DoLo), for the years the DfE collects them;
    an end after year end is not known to the year. -#}
{% macro ssda903_spells(years_back, model, id_columns, start, stop, first_year) -%}
with {{ ssda903_table_children(years_back) }}
select
    spells.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    {%- for column in id_columns %}
    spells.{{ column | lower }} as "{{ column }}",
    {%- endfor %}
    {{ format_dmy('spells.' ~ start | lower) }} as "{{ start }}",
    case when spells.{{ stop | lower }} <= collection.year_end then {{ format_dmy('spells.' ~ stop | lower) }}
    end as "{{ stop }}"
    {{- caller() }}
from {{ ref(model) }} as spells
inner join header on header.child_id = spells.child_id
cross join collection
where collection.collection_year >= {{ first_year }}
    and spells.{{ start | lower }} <= collection.year_end
    and (spells.{{ stop | lower }} is null or spells.{{ stop | lower }} >= collection.year_start)
{%- endmacro %}

{% macro ssda903_sw_episodes(years_back=0) -%}
    {%- call ssda903_spells(years_back, 'stg_placements__sw_episodes', ['SW_ID'], 'SW_DECOM', 'SW_DEC', 2024) -%}
    ,
    spells.sw_reason as "SW_REASON"
    {%- endcall %}
{%- endmacro %}

{% macro ssda903_dolo(years_back=0) -%}
    {%- call ssda903_spells(years_back, 'stg_placements__dolo', [], 'DOLO_START', 'DOLO_END', 2027) -%}
    {%- endcall %}
{%- endmacro %}
