select
    referral_id,
    child_id,
    referral_date,
    referral_source,
    {{ decode('cin_referral_source', 'referral_source') }} as referral_source_description,
    primary_need,
    {{ decode('cin_primary_need', 'primary_need') }} as primary_need_description,
    {{ yes_no('nfa') }} as is_nfa,
    assessment_start_date,
    assessment_authorised_date,
    closure_date,
    closure_reason,
    {{ decode('cin_closure_reason', 'closure_reason') }} as closure_reason_description,
    extract_date
from {{ case_or_census('referrals', [
    'referral_id', 'child_id', 'referral_date', 'referral_source', 'primary_need', 'nfa', 'assessment_start_date',
    'assessment_authorised_date', 'closure_date', 'closure_reason', 'extract_date'
]) }} as referrals
