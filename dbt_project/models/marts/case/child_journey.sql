-- Each child's events across sources in order, so "what happened before and after" is one query.
with events as (
    select child_id, referral_date as event_date, 'referral' as event_type, 'case' as source,
        referral_id as event_ref, referral_source as detail
    from {{ ref('stg_case__referrals') }}
    union all
    select child_id, assessment_start_date, 'assessment_start', 'case', referral_id, null
    from {{ ref('stg_case__referrals') }} where assessment_start_date is not null
    union all
    select child_id, assessment_authorised_date, 'assessment_authorised', 'case', referral_id, null
    from {{ ref('stg_case__referrals') }} where assessment_authorised_date is not null
    union all
    select child_id, closure_date, 'referral_closed', 'case', referral_id, closure_reason
    from {{ ref('stg_case__referrals') }} where closure_date is not null
    union all
    select child_id, plan_start_date, 'cin_plan_start', 'case', cin_plan_id, null from {{ ref('stg_case__cin_plans') }}
    union all
    select child_id, plan_end_date, 'cin_plan_end', 'case', cin_plan_id, null
    from {{ ref('stg_case__cin_plans') }} where plan_end_date is not null
    union all
    select child_id, plan_start_date, 'cp_plan_start', 'case', cp_plan_id, initial_category
    from {{ ref('stg_case__cp_plans') }}
    union all
    select child_id, plan_end_date, 'cp_plan_end', 'case', cp_plan_id, null
    from {{ ref('stg_case__cp_plans') }} where plan_end_date is not null
    union all
    select child_id, start_date, 'edge_of_care_start', 'case', intervention_id, service
    from {{ ref('stg_case__edge_of_care') }} where start_date is not null
    union all
    select child_id, end_date, 'edge_of_care_end', 'case', intervention_id, service || ':' || coalesce(end_reason, '')
    from {{ ref('stg_case__edge_of_care') }} where end_date is not null
    union all
    select child_id, period_start_date, 'care_start', 'placements', period_of_care_id, legal_status_at_start
    from {{ ref('int_periods_of_care_grouped') }} where not is_short_breaks_only
    union all
    select child_id, period_end_date, 'care_end', 'placements', period_of_care_id, reason_ceased
    from {{ ref('int_periods_of_care_grouped') }} where period_end_date is not null and not is_short_breaks_only
    union all
    select placements.child_id, placements.placement_start_date, 'placement_move', 'placements', placements.placement_id,
        placements.first_placement_type
    from {{ ref('int_placements_grouped') }} as placements
    where placements.previous_placement_start_date is not null
    union all
    -- CAMHS patients are linked by a shared identifier only when the provider knows the child.
    select patient_id, referral_received_date, 'camhs_referral', 'camhs', camhs_referral_id, pathway
    from {{ ref('stg_camhs__referrals') }}
    where patient_id in (select child_id from {{ ref('stg_case__children') }})
)

select
    child_id,
    cast(row_number() over (partition by child_id order by event_date, event_type, event_ref) as integer) as event_number,
    event_date,
    event_type,
    source,
    event_ref,
    detail,
    -- The code list each event's detail is drawn from (dbt_project/seeds/reference).
    case event_type
        when 'referral' then {{ decode('cin_referral_source', 'detail') }}
        when 'referral_closed' then {{ decode('cin_closure_reason', 'detail') }}
        when 'cp_plan_start' then {{ decode('cp_initial_category', 'detail') }}
        when 'edge_of_care_start' then {{ decode('edge_of_care_service', 'detail') }}
        when 'edge_of_care_end' then {{ decode('edge_of_care_service', "split_part(detail, ':', 1)") }}
            || coalesce(': ' || {{ decode('edge_of_care_end_reason', "nullif(split_part(detail, ':', 2), '')") }}, '')
        when 'care_start' then {{ decode('ssda903_legal_status', 'detail') }}
        when 'care_end' then {{ decode('ssda903_rec', 'detail') }}
        when 'placement_move' then {{ decode('ssda903_place', 'detail') }}
        when 'camhs_referral' then {{ decode('camhs_pathway', 'detail') }}
    end as detail_description
from events
