-- Activity against finance at each month end, for finance and performance teams to clear together:
-- children looked after (SSDA903) in a placement with a budget line but no live commitment, and
-- live commitments for children not looked after that day. Adoption/SGO allowances are for children
-- who have left care, so they are not listed.
with snapshots as (
    select * from {{ ref('lac_month_end_snapshots') }}
),

open_commitments as (
    select snapshots.snapshot_date as month_end, commitments.*
    from (select distinct snapshot_date from snapshots) as snapshots
    inner join {{ ref('stg_finance__placement_commitments') }} as commitments
        on commitments.start_date <= snapshots.snapshot_date
        and (commitments.end_date is null or commitments.end_date > snapshots.snapshot_date)
)

select
    snapshots.snapshot_date as month_end,
    'placed_without_commitment' as issue,
    snapshots.child_id,
    snapshots.budget_line as service_type,
    snapshots.placement_type,
    cast(null as varchar) as commitment_id
from snapshots
where snapshots.budget_line_source = 'placement_type'
    and snapshots.budget_line not in ('NO_BUDGET_LINE', 'OTHER')

union all

select
    open_commitments.month_end,
    'commitment_without_placement',
    open_commitments.child_id,
    open_commitments.service_type,
    cast(null as varchar),
    open_commitments.commitment_id
from open_commitments
left join snapshots
    on snapshots.snapshot_date = open_commitments.month_end and snapshots.child_id = open_commitments.child_id
where snapshots.child_id is null
    and open_commitments.service_type <> 'ADOPTION_SGO'
