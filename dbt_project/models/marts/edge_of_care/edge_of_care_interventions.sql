-- Edge-of-care interventions with their outcome: did the child start a period of care (an RNE = S
-- episode that is not a short break, as lac_starts counts) within 365 days of the intervention start?
with interventions as (
    select * from {{ ref('stg_case__edge_of_care') }}
),

care_starts as (
    select child_id, episode_start_date as care_start_date
    from {{ ref('int_episodes_sequenced') }}
    where is_care_start_counted
),

first_care as (
    select
        interventions.intervention_id,
        min(care_starts.care_start_date) as care_start_date
    from interventions
    inner join care_starts
        on care_starts.child_id = interventions.child_id
        and care_starts.care_start_date >= interventions.start_date
    group by interventions.intervention_id
)

select
    interventions.intervention_id,
    interventions.child_id,
    interventions.service,
    interventions.service_description,
    interventions.referral_date,
    interventions.start_date,
    interventions.end_date,
    interventions.end_reason,
    cast(interventions.end_date - interventions.start_date as integer) as days_open,
    first_care.care_start_date as first_care_start_after,
    cast(first_care.care_start_date - interventions.start_date as integer) as days_to_care,
    coalesce(first_care.care_start_date <= interventions.start_date + 365, false) as entered_care_within_12m
from interventions
left join first_care on first_care.intervention_id = interventions.intervention_id
