{#- What every statutory return's models share: its collection year and whether the extracts cover it. -#}

{#- A statutory return's collection year (April to March, named by its end): the dbt var `year_var` when
    given, else the latest year that has ended by the latest extract of `extract_model`. -#}
{% macro return_collection(year_var, extract_model, years_back=0) -%}
    select
        cast(end_year - {{ years_back }} as integer) as collection_year,
        cast(make_date(end_year - {{ years_back }} - 1, 4, 1) as date) as year_start,
        cast(make_date(end_year - {{ years_back }}, 3, 31) as date) as year_end
    from (
        select
        {%- if var(year_var, none) %}
            {{ var(year_var) }} as end_year
        {%- else %}
            cast(case when extract(month from max(extract_date)) >= 4 then extract(year from max(extract_date))
                      else extract(year from max(extract_date)) - 1 end as integer) as end_year
            from {{ ref(extract_model) }}
        {%- endif %}
    ) as chosen
{%- endmacro %}

{#- One row: the collection year the return models were built for, and whether the latest extract of
    `extract_model` covers all of it. A year the extract ends inside is exported marked partial and is never READY. -#}
{% macro return_scope(collection_sql, extract_model) -%}
with collection as (
    {{ collection_sql }}
),

extracts as (
    select max(extract_date) as latest_extract_date
    from {{ ref(extract_model) }}
)

select
    collection.collection_year,
    collection.year_start,
    collection.year_end,
    extracts.latest_extract_date,
    -- An extract is "as at" its date, so one taken on 31 March may still lack that day's events.
    coalesce(extracts.latest_extract_date > collection.year_end, false) as is_complete
from collection
cross join extracts
{%- endmacro %}
