select
    referral_id as camhs_referral_id,
    patient_id,
    date_of_birth,
    sex,
    referral_received_date,
    referral_source,
    pathway,
    {{ decode('camhs_pathway', 'pathway') }} as pathway_description,
    priority,
    {{ yes_no('accepted') }} as is_accepted,
    first_contact_date,
    treatment_start_date,
    discharge_date,
    discharge_reason,
    {{ yes_no('looked_after') }} as is_looked_after,
    extract_date
from {{ source('camhs', 'referrals') }}
