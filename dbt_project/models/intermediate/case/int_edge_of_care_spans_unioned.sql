-- Every reason a child is on the edge of care (DOMAIN.md 4.8), as intervals start <= D < end (null end
-- = still open): an open referral, CIN plan or CP plan; an edge-of-care intervention that has started;
-- the 12 months after a period of care ended with a return home (REC E4A/E4B, project rule).
select child_id, 'referral' as reason, referral_date as span_start, closure_date as span_end
from {{ ref('stg_case__referrals') }}
union all
select child_id, 'cin_plan', plan_start_date, plan_end_date from {{ ref('stg_case__cin_plans') }}
union all
select child_id, 'cp_plan', plan_start_date, plan_end_date from {{ ref('stg_case__cp_plans') }}
union all
select child_id, 'edge_of_care_' || lower(service), start_date, end_date
from {{ ref('stg_case__edge_of_care') }}
where start_date is not null
union all
select child_id, 'returned_home', period_end_date, {{ add_months('period_end_date', 12) }}
from {{ ref('int_periods_of_care_grouped') }}
where reason_ceased in ('E4A', 'E4B') and not is_short_breaks_only
