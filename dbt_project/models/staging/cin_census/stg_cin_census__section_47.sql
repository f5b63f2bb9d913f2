-- Census Section 47 enquiries as the case layout holds them; the census has no enquiry id, so it is the
-- child and the enquiry's start date.
with ranked as (
    select
        child_id || ':' || cast(s47_start_date as varchar) as s47_id,
        child_id,
        child_id || ':' || cast(referral_date as varchar) as referral_id,
        s47_start_date,
        icpc_date,
        icpc_not_required,
        icpc_target_date,
        cast(census_year as integer) as census_year,
        extract_date,
        row_number() over (partition by child_id, s47_start_date order by referral_date desc) as copy_order
    from {{ source('cin_census', 'section_47') }}
)

select
    s47_id,
    child_id,
    referral_id,
    s47_start_date,
    icpc_date,
    icpc_not_required,
    icpc_target_date,
    census_year,
    extract_date
from ranked
where copy_order = 1
