-- The CAMHS clocks (DOMAIN.md 4.9) for every accepted referral: the one place they live.
-- Clock start is receipt. The assessment wait stops at first contact (Choice), the treatment wait at
-- the second contact (Partnership). A discharge before the event stops the clock without it: the
-- referral leaves the list and is never counted as seen or treated. A contact on the discharge day
-- counts. No resets. States follow the warehouse's interval convention (from <= D < until):
--   waiting for assessment  received            .. assessment_clock_stop_date
--   waiting for treatment   first_contact_date  .. treatment_clock_stop_date
--   in treatment            treatment_start_date .. discharge_date
with referrals as (
    select
        camhs_referral_id,
        patient_id,
        pathway,
        priority,
        coalesce(is_looked_after, false) as is_looked_after,
        referral_received_date,
        case when discharge_date is null or first_contact_date <= discharge_date then first_contact_date end
            as first_contact_date,
        case when discharge_date is null or treatment_start_date <= discharge_date then treatment_start_date end
            as treatment_start_date,
        discharge_date,
        discharge_reason
    from {{ ref('stg_camhs__referrals') }}
    where is_accepted
)

select
    referrals.*,
    case
        when first_contact_date is null then discharge_date
        when discharge_date is null then first_contact_date
        else least(first_contact_date, discharge_date)
    end as assessment_clock_stop_date,
    case
        when first_contact_date is null then null
        when treatment_start_date is null then discharge_date
        when discharge_date is null then treatment_start_date
        else least(treatment_start_date, discharge_date)
    end as treatment_clock_stop_date,
    first_contact_date - referral_received_date as days_to_first_contact,
    treatment_start_date - referral_received_date as days_to_treatment,
    case
        when discharge_date is not null and first_contact_date is null then 'discharged before assessment'
        when discharge_date is not null and treatment_start_date is null then 'discharged before treatment'
        when discharge_date is not null then 'discharged after treatment'
        when treatment_start_date is not null then 'in treatment'
        when first_contact_date is not null then 'waiting for treatment'
        else 'waiting for assessment'
    end as latest_state
from referrals
