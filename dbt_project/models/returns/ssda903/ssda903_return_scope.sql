{#- One row: the collection year the return models were built for, and whether the placements extract covers
    all of it. A year the extract ends inside is exported marked partial and is never READY. -#}
with collection as (
    {{ ssda903_collection() }}
),

extracts as (
    select max(extract_date) as latest_extract_date
    from {{ ref('stg_placements__episodes') }}
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
