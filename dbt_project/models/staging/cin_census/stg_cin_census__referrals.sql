-- Census CIN episodes as case-layout referrals. The census has no referral id: an episode is its child and
-- CINreferralDate, so the id is child_id:referral_date. The referral's assessment is the episode's first
-- (earliest start; all of them are in stg_cin_census__assessments).
with first_assessment as (
    select
        child_id,
        referral_date,
        assessment_start_date,
        assessment_authorised_date,
        row_number() over (
            partition by child_id, referral_date order by assessment_start_date, assessment_authorised_date
        ) as assessment_order
    from {{ source('cin_census', 'assessments') }}
)

select
    episode.child_id || ':' || cast(episode.referral_date as varchar) as referral_id,
    episode.child_id,
    episode.referral_date,
    episode.referral_source,
    episode.primary_need,
    episode.nfa,
    assessment.assessment_start_date,
    assessment.assessment_authorised_date,
    episode.closure_date,
    episode.closure_reason,
    episode.icpc_date,
    cast(episode.census_year as integer) as census_year,
    episode.extract_date
from {{ source('cin_census', 'referrals') }} as episode
left join first_assessment as assessment
    on
        episode.child_id = assessment.child_id
        and episode.referral_date = assessment.referral_date
        and assessment.assessment_order = 1
