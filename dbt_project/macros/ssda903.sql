{#- Dates in a return are DD/MM/YYYY text (DOMAIN.md 2.1). -#}
{% macro format_dmy(column) -%}
    {{ return(adapter.dispatch('format_dmy')(column)) }}
{%- endmacro %}

{% macro default__format_dmy(column) -%}
    to_char({{ column }}, 'DD/MM/YYYY')
{%- endmacro %}

{% macro duckdb__format_dmy(column) -%}
    strftime({{ column }}, '%d/%m/%Y')
{%- endmacro %}

{#- The collection year of an SSDA903 return (named by its end, as the DfE does): var ssda903_year,
    else the latest complete year of the placements extract; `years_back` = 1 gives last year's. -#}
{% macro ssda903_collection(years_back=0) -%}
    {{ return_collection('ssda903_year', 'stg_placements__episodes', years_back) }}
{%- endmacro %}

{#- DOMAIN.md 2.7: the year's episodes; one still open at year end goes without DEC, REC and
    REASON_PLACE_CHANGE. Short breaks carry no postcodes and no URN (rule 214). -#}
{% macro ssda903_episodes(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }})
select
    episodes.child_id as "CHILD",
    {{ format_dmy('episodes.episode_start_date') }} as "DECOM",
    episodes.reason_new_episode as "RNE",
    episodes.legal_status as "LS",
    episodes.category_of_need as "CIN",
    episodes.placement_type as "PLACE",
    episodes.placement_provider as "PLACE_PROVIDER",
    case when episodes.episode_end_date <= collection.year_end then {{ format_dmy('episodes.episode_end_date') }}
    end as "DEC",
    case when episodes.episode_end_date <= collection.year_end then episodes.reason_episode_ceased end as "REC",
    case when episodes.episode_end_date <= collection.year_end then episodes.reason_place_change end
        as "REASON_PLACE_CHANGE",
    case when not episodes.is_short_break then episodes.home_postcode end as "HOME_POST",
    case when not episodes.is_short_break then episodes.placement_postcode end as "PL_POST",
    -- No URN where the year's rules say none is recorded (rule 222; H5 until 2022/23, P2 while it existed),
    -- judged by the return being sent so last year's tables match this year's first episodes (503F).
    case when not episodes.is_short_break
              and episodes.placement_type not in ('P1', 'P2', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4',
                                                  'Z1', 'Z11', 'Z12', 'Z13', 'Z14')
              and not (episodes.placement_type = 'H5' and collection.collection_year + {{ years_back }} <= 2023)
         then episodes.urn end as "URN"
from {{ ref('stg_placements__episodes') }} as episodes
cross join collection
where episodes.episode_start_date <= collection.year_end
    and (episodes.episode_end_date is null or episodes.episode_end_date >= collection.year_start)
{%- endmacro %}

{#- Children with an episode in the year, SEX in the year's coding (DOMAIN.md 3.1); no MOTHER for
    a child whose episodes in the year are all short breaks (rules 398, 399, 420). -#}
{% macro ssda903_children(years_back=0) -%}
    select
        episodes.child_id,
        bool_and(episodes.is_short_break) as is_short_breaks_only,
        -- Rule 625 reads "the DEC of the latest episode" as the latest DEC sent, even when a later
        -- episode is still open: a baby born after it is left to next year's return.
        coalesce(max(case when episodes.episode_end_date <= collection.year_end then episodes.episode_end_date end),
                 collection.year_end) as last_day_in_year
    from {{ ref('stg_placements__episodes') }} as episodes
    cross join ({{ ssda903_collection(years_back) }}) as collection
    where episodes.episode_start_date <= collection.year_end
        and (episodes.episode_end_date is null or episodes.episode_end_date >= collection.year_start)
    group by episodes.child_id, collection.year_end
{%- endmacro %}

{#- SEX in the coding of the return being sent: last year's tables are recoded too, because rule 202
    compares this year's SEX with last year's as text (DOMAIN.md 2.3). -#}
{% macro ssda903_sex(sex_column, collection_year) -%}
    case when {{ collection_year }} >= 2025 then {{ sex_column }}
         else case {{ sex_column }} when 'M' then '1' when 'F' then '2' end end
{%- endmacro %}

{#- Every child with an episode in the year, and every care leaver with OC3 information for it (rules
    INT06, INT15); a care leaver not looked after in the year has no motherhood details (rules 628, 612). -#}
{% macro ssda903_header(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }}),
children as ({{ ssda903_children(years_back) }}),
care_leavers as (
    select distinct oc3.child_id
    from {{ ref('stg_placements__oc3') }} as oc3
    cross join collection
    where oc3.collection_year = collection.collection_year
        and oc3.child_id not in (select children.child_id from children)
)
select
    header.child_id as "CHILD",
    {{ ssda903_sex('header.sex', 'collection.collection_year + ' ~ years_back) }} as "SEX",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    header.ethnicity as "ETHNIC",
    header.upn as "UPN",
    case when children.child_id is null or children.is_short_breaks_only or header.is_mother is null then null
         when header.is_mother and header.mother_child_date_of_birth <= children.last_day_in_year then '1'
         else '0' end as "MOTHER",
    case when not children.is_short_breaks_only and header.mother_child_date_of_birth <= children.last_day_in_year
         then {{ format_dmy('header.mother_child_date_of_birth') }}
    end as "MC_DOB"
from {{ ref('stg_placements__header') }} as header
left join children on children.child_id = header.child_id
left join care_leavers on care_leavers.child_id = header.child_id
cross join collection
where children.child_id is not null or care_leavers.child_id is not null
{%- endmacro %}

{% macro ssda903_uasc(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }}),
children as ({{ ssda903_children(years_back) }})
select
    uasc.child_id as "CHILD",
    {{ ssda903_sex('header.sex', 'collection.collection_year + ' ~ years_back) }} as "SEX",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    {{ format_dmy('uasc.uasc_ceased_date') }} as "DUC"
from {{ ref('stg_placements__uasc') }} as uasc
inner join children on children.child_id = uasc.child_id
inner join {{ ref('stg_placements__header') }} as header on header.child_id = uasc.child_id
cross join collection
{%- endmacro %}

{% macro ssda903_reviews(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }}),
children as ({{ ssda903_children(years_back) }})
select
    reviews.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    {{ format_dmy('reviews.review_date') }} as "REVIEW",
    reviews.participation_code as "REVIEW_CODE"
from {{ ref('stg_placements__reviews') }} as reviews
inner join children on children.child_id = reviews.child_id and not children.is_short_breaks_only
inner join {{ ref('stg_placements__header') }} as header on header.child_id = reviews.child_id
cross join collection
where reviews.review_date between collection.year_start and collection.year_end
{%- endmacro %}

{#- Missing and away episodes open at any time in the year (one still open at the start of the year
    is listed again, rule 576); an end after year end is blanked. -#}
{% macro ssda903_missing(years_back=0) -%}
with collection as ({{ ssda903_collection(years_back) }}),
children as ({{ ssda903_children(years_back) }})
select
    missing.child_id as "CHILD",
    {{ format_dmy('header.date_of_birth') }} as "DOB",
    missing.missing_type as "MISSING",
    {{ format_dmy('missing.missing_start_date') }} as "MIS_START",
    case when missing.missing_end_date <= collection.year_end then {{ format_dmy('missing.missing_end_date') }}
    end as "MIS_END"
from {{ ref('stg_placements__missing') }} as missing
inner join children on children.child_id = missing.child_id
inner join {{ ref('stg_placements__header') }} as header on header.child_id = missing.child_id
cross join collection
where missing.missing_start_date <= collection.year_end
    and (missing.missing_end_date is null or missing.missing_end_date >= collection.year_start)
{%- endmacro %}
