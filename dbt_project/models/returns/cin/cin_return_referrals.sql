{#- CINdetails: every referral (CIN episode) open at any time in the collection year, as the census has it
    at 31 March (a closure after then is blank, with its reason). -#}
select
    referrals.referral_id,
    referrals.child_id,
    referrals.referral_date,
    referrals.referral_source,
    referrals.primary_need,
    {{ cin_as_at_year_end('referrals.closure_date') }} as closure_date,
    case when referrals.closure_date <= collection.year_end then referrals.closure_reason end as closure_reason,
    referrals.is_nfa
from {{ ref('stg_case__referrals') }} as referrals
cross join {{ ref('cin_return_scope') }} as collection
where {{ cin_in_year('referrals.referral_date', 'referrals.closure_date') }}
