-- The 50 highest-cost placements live at the latest week, the list the strategy's weekly (ART-style)
-- review reads. The week is the Sunday on or before the latest finance extract, as the CAMHS week
-- endings are; a commitment is live on it when start <= D and it has no end or ends after D (the
-- interval rule used everywhere). Ties in weekly cost rank by commitment id, so the cut at 50 is stable.
with as_at as (
    select cast(max(extract_date) - cast(extract(dow from max(extract_date)) as integer) as date) as as_at_date
    from {{ ref('stg_finance__placement_commitments') }}
),

live as (
    select
        as_at.as_at_date,
        commitments.commitment_id,
        commitments.child_id,
        commitments.provider_id,
        commitments.service_type,
        lines.kad_group as provider_type,
        commitments.weekly_cost_gbp,
        commitments.start_date,
        commitments.end_date,
        commitments.is_end_date_planned,
        row_number() over (
            order by commitments.weekly_cost_gbp desc, commitments.commitment_id
        ) as cost_rank
    from {{ ref('stg_finance__placement_commitments') }} as commitments
    cross join as_at
    left join {{ ref('finance_service_type') }} as lines on lines.code = commitments.service_type
    where commitments.start_date <= as_at.as_at_date
        and (commitments.end_date is null or commitments.end_date > as_at.as_at_date)
)

select
    as_at_date,
    cast(cost_rank as integer) as cost_rank,
    commitment_id,
    child_id,
    provider_id,
    service_type,
    provider_type,
    weekly_cost_gbp,
    start_date,
    end_date,
    is_end_date_planned,
    cast(floor((as_at_date - start_date) / 7) as integer) as weeks_in_placement
from live
where cost_rank <= 50
