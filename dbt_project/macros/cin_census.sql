{#- Rows of a CIN census item open at any time in the collection year (`collection` in scope): begun by
    31 March and not ended before 1 April. -#}
{% macro cin_in_year(start_column, end_column) -%}
    {{ start_column }} <= collection.year_end
    and ({{ end_column }} is null or {{ end_column }} >= collection.year_start)
{%- endmacro %}

{#- An end date as the census of the year has it: blank when it falls after 31 March (still open then). -#}
{% macro cin_as_at_year_end(column) -%}
    case when {{ column }} <= collection.year_end then {{ column }} end
{%- endmacro %}

{#- The referral an item (`alias` in scope) belongs to: the child's latest referral begun by the plan's start
    (the case layout does not carry it; the census hangs each plan from its CIN episode). -#}
{% macro cin_referral_of(alias, start_column) -%}
    (
        select referrals.referral_id
        from {{ ref('stg_case__referrals') }} as referrals
        where referrals.child_id = {{ alias }}.child_id and referrals.referral_date <= {{ alias }}.{{ start_column }}
        order by referrals.referral_date desc, referrals.referral_id desc
        limit 1
    )
{%- endmacro %}
