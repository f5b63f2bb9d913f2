{#- Section47: enquiries begun by 31 March whose conference (or, without one, whose start) is not before
    1 April; a conference after 31 March is blank. -#}
select
    -- the enquiry's referral, or (a case system that does not link them) the child's latest by its start
    coalesce(enquiries.referral_id, {{ cin_referral_of('enquiries', 's47_start_date') }}) as referral_id,
    enquiries.s47_start_date,
    {{ cin_as_at_year_end('enquiries.icpc_date') }} as icpc_date,
    coalesce(enquiries.icpc_not_required, false) as icpc_not_required
from {{ ref('stg_case__section_47') }} as enquiries
cross join {{ ref('cin_return_scope') }} as collection
where {{ cin_in_year('enquiries.s47_start_date', 'coalesce(enquiries.icpc_date, enquiries.s47_start_date)') }}
