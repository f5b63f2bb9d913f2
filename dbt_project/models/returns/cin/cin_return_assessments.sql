{#- Assessments: each referral's assessment begun by 31 March and not authorised before 1 April (an
    authorisation after 31 March is blank: the assessment was open then). -#}
select
    referrals.referral_id,
    referrals.assessment_start_date,
    {{ cin_as_at_year_end('referrals.assessment_authorised_date') }} as assessment_authorised_date
from {{ ref('stg_case__referrals') }} as referrals
cross join {{ ref('cin_return_scope') }} as collection
where
    referrals.assessment_start_date is not null
    and {{ cin_in_year('referrals.assessment_start_date', 'referrals.assessment_authorised_date') }}
