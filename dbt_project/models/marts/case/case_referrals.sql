-- Referrals to children's social care, with re-referral within 12 months (365 days) flagged and the
-- assessment's timeliness against 45 working days.
select
    referral_id,
    child_id,
    referral_date,
    referral_source,
    referral_source_description,
    primary_need,
    is_nfa,
    previous_referral_date,
    is_re_referral_12m,
    assessment_start_date,
    assessment_authorised_date,
    assessment_due_date,
    is_assessment_within_45wd,
    closure_date,
    closure_reason
from {{ ref('int_referrals_sequenced') }}
