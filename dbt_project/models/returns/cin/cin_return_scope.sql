{#- One row: the CIN census year the return models were built for (var cin_year, else the latest year the
    case extract has passed), and whether the extract covers all of it. A partial year is never READY. -#}
with collection as (
    {{ return_collection('cin_year', 'stg_case__referrals') }}
),

extracts as (
    select max(extract_date) as latest_extract_date
    from {{ ref('stg_case__referrals') }}
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
