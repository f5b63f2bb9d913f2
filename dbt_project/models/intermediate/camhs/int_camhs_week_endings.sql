-- Sunday week endings (DOMAIN.md 4.9, as in camhs/trajectory.csv) from the first week with a referral
-- to the last complete week of the latest CAMHS extract.
with bounds as (
    select
        min(referral_received_date) as first_day,
        max(extract_date) as data_date
    from {{ ref('stg_camhs__referrals') }}
)

select cast(generated.week_ending as date) as week_ending
from bounds,
    generate_series(
        cast(bounds.first_day + cast(7 - extract(isodow from bounds.first_day) as integer) as date),
        bounds.data_date,
        interval '7 days'
    ) as generated (week_ending)
