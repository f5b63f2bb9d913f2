-- The CAMHS waiting list at the end of each Sunday (DOMAIN.md 4.9): accepted referrals received by
-- then, not yet seen (first contact) and not discharged. By pathway, priority and looked-after flag,
-- with totals as 'ALL'. Each pathway's total row exists every week (a zero list is a figure) and carries
-- the planned list from trajectory.csv and the gap; the other rows only where someone is waiting.
-- Weeks when a pathway's list was closed to new referrals are flagged, not hidden.
with weeks as (
    select week_ending from {{ ref('int_camhs_week_endings') }}
),

waiting as (
    select
        weeks.week_ending,
        clocked.pathway,
        clocked.priority,
        case when clocked.is_looked_after then 'Y' else 'N' end as looked_after,
        weeks.week_ending - clocked.referral_received_date as days_waited
    from weeks
    inner join {{ ref('int_camhs_referrals_clocked') }} as clocked
        on clocked.referral_received_date <= weeks.week_ending
        and (clocked.assessment_clock_stop_date is null or clocked.assessment_clock_stop_date > weeks.week_ending)
),

counted as (
    select
        week_ending,
        coalesce(pathway, 'ALL') as pathway,
        coalesce(priority, 'ALL') as priority,
        coalesce(looked_after, 'ALL') as looked_after,
        count(*) as waiting_list,
        count(case when days_waited > 126 then 1 end) as waiting_over_18w,
        count(case when days_waited <= 28 then 1 end) as waiting_0_4w,
        count(case when days_waited between 29 and 84 then 1 end) as waiting_4_12w,
        count(case when days_waited between 85 and 126 then 1 end) as waiting_12_18w,
        count(case when days_waited between 127 and 364 then 1 end) as waiting_18_52w,
        count(case when days_waited >= 365 then 1 end) as waiting_52w_plus,
        -- DOMAIN.md 4.9's reporting bands (0-12, >12-18, >18-27, >27-52, >52 weeks; the paper reports over 27).
        count(case when days_waited <= 84 then 1 end) as waiting_0_12w,
        count(case when days_waited between 127 and 189 then 1 end) as waiting_18_27w,
        count(case when days_waited between 190 and 364 then 1 end) as waiting_27_52w,
        count(case when days_waited > 189 then 1 end) as waiting_over_27w,
        -- The staged targets' thresholds (all seen within 26, then 18, then 12 weeks: DOMAIN.md 4.13).
        count(case when days_waited > 84 then 1 end) as waiting_over_12w,
        count(case when days_waited > 182 then 1 end) as waiting_over_26w
    from waiting
    group by grouping sets (
        (week_ending, pathway, priority, looked_after),
        (week_ending, pathway, priority),
        (week_ending, pathway, looked_after),
        (week_ending, pathway),
        (week_ending)
    )
),

pathways as (
    select code as pathway from {{ ref('camhs_pathway') }}
    union all
    select 'ALL'
),

closed_weeks as (
    -- A closure covers closed_from <= D < closed_to; the week is flagged if any of its 7 days is covered.
    select distinct
        weeks.week_ending,
        closures.pathway
    from weeks
    inner join {{ ref('stg_camhs__list_closures') }} as closures
        on closures.closed_from_date <= weeks.week_ending
        and (closures.closed_to_date is null or closures.closed_to_date > weeks.week_ending - 6)
),

closed_flags as (
    select week_ending, pathway from closed_weeks
    union
    select week_ending, 'ALL' from closed_weeks
),

totals as (
    select
        weeks.week_ending,
        pathways.pathway,
        'ALL' as priority,
        'ALL' as looked_after
    from weeks
    cross join pathways
),

rows_wanted as (
    select totals.week_ending, totals.pathway, totals.priority, totals.looked_after from totals
    union
    select week_ending, pathway, priority, looked_after from counted where pathway <> 'ALL'
)

select
    rows_wanted.week_ending,
    rows_wanted.pathway,
    rows_wanted.priority,
    rows_wanted.looked_after,
    coalesce(counted.waiting_list, 0) as waiting_list,
    coalesce(counted.waiting_over_18w, 0) as waiting_over_18w,
    cast(case when counted.waiting_list > 0
              then 100.0 * (counted.waiting_list - counted.waiting_over_18w) / counted.waiting_list end
         as double precision) as pct_waiting_under_18w,
    coalesce(counted.waiting_0_4w, 0) as waiting_0_4w,
    coalesce(counted.waiting_4_12w, 0) as waiting_4_12w,
    coalesce(counted.waiting_12_18w, 0) as waiting_12_18w,
    coalesce(counted.waiting_18_52w, 0) as waiting_18_52w,
    coalesce(counted.waiting_52w_plus, 0) as waiting_52w_plus,
    coalesce(counted.waiting_0_12w, 0) as waiting_0_12w,
    coalesce(counted.waiting_18_27w, 0) as waiting_18_27w,
    coalesce(counted.waiting_27_52w, 0) as waiting_27_52w,
    coalesce(counted.waiting_over_27w, 0) as waiting_over_27w,
    coalesce(counted.waiting_over_12w, 0) as waiting_over_12w,
    coalesce(counted.waiting_over_26w, 0) as waiting_over_26w,
    case when rows_wanted.priority = 'ALL' and rows_wanted.looked_after = 'ALL'
         then trajectory.planned_waiting_list end as planned_waiting_list,
    case when rows_wanted.priority = 'ALL' and rows_wanted.looked_after = 'ALL'
         then coalesce(counted.waiting_list, 0) - trajectory.planned_waiting_list end as trajectory_gap,
    closed_flags.week_ending is not null as is_list_closed,
    'ALL' in (rows_wanted.pathway, rows_wanted.priority, rows_wanted.looked_after) as is_total
from rows_wanted
left join counted
    on counted.week_ending = rows_wanted.week_ending
    and counted.pathway = rows_wanted.pathway
    and counted.priority = rows_wanted.priority
    and counted.looked_after = rows_wanted.looked_after
left join {{ ref('stg_camhs__trajectory') }} as trajectory
    on trajectory.week_ending_date = rows_wanted.week_ending
    and trajectory.pathway = rows_wanted.pathway
left join closed_flags
    on closed_flags.week_ending = rows_wanted.week_ending
    and closed_flags.pathway = rows_wanted.pathway
