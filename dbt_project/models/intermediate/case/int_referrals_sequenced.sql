-- Referrals with the child's previous referral (strictly earlier date: a case closed and reopened
-- the same day is a re-referral of the earlier one) and assessment timeliness: authorised on or
-- before the 45th working day after the assessment started (start = day 0, bank holidays excluded).
with referrals as (
    select * from {{ ref('stg_case__referrals') }}
),

previous as (
    select
        referrals.referral_id,
        max(earlier.referral_date) as previous_referral_date
    from referrals
    inner join referrals as earlier
        on earlier.child_id = referrals.child_id
        and earlier.referral_date < referrals.referral_date
    group by referrals.referral_id
)

select
    referrals.*,
    previous.previous_referral_date,
    coalesce(previous.previous_referral_date >= referrals.referral_date - 365, false) as is_re_referral_12m,
    due_day.calendar_date as assessment_due_date,
    case when referrals.assessment_authorised_date is not null
         then referrals.assessment_authorised_date <= due_day.calendar_date end as is_assessment_within_45wd
from referrals
left join previous on previous.referral_id = referrals.referral_id
left join {{ ref('int_days_numbered') }} as start_day on start_day.calendar_date = referrals.assessment_start_date
left join {{ ref('int_days_numbered') }} as due_day
    on due_day.working_day_number = start_day.working_day_number + 45
    and due_day.is_working_day
