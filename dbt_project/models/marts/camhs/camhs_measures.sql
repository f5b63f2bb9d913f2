-- CAMHS monthly and financial-year measures (MEASURES.md, DOMAIN.md 4.9) in the shape of lac_measures:
-- waits are judged at the event (first contact, treatment start) for events in the period; the
-- eating-disorder pathways still waiting for treatment are counted at period end beside them; referrals
-- received are counted by pathway and source.
with periods as (
    select reporting.*
    from {{ ref('int_reporting_periods') }} as reporting
    where reporting.period_end >= (select min(referral_received_date) from {{ ref('stg_camhs__referrals') }})
),

clocked as (
    select * from {{ ref('int_camhs_referrals_clocked') }}
),

first_contacts as (
    select periods.period_type, periods.period_start, periods.period_end, clocked.pathway,
        clocked.days_to_first_contact / 7.0 as weeks_waited
    from periods
    inner join clocked on clocked.first_contact_date between periods.period_start and periods.period_end
),

treatments as (
    select periods.period_type, periods.period_start, periods.period_end, clocked.pathway, clocked.priority,
        clocked.days_to_treatment
    from periods
    inner join clocked on clocked.treatment_start_date between periods.period_start and periods.period_end
),

received as (
    -- Every referral received, accepted or not (DOMAIN.md 4.9: rejected ones count only here).
    select periods.period_type, periods.period_end, referrals.pathway, referrals.referral_source
    from periods
    inner join {{ ref('stg_camhs__referrals') }} as referrals
        on referrals.referral_received_date between periods.period_start and periods.period_end
),

ed_waiting as (
    select periods.period_type, periods.period_start, periods.period_end, clocked.priority
    from periods
    inner join clocked
        on clocked.pathway = 'EATING_DISORDER'
        and clocked.referral_received_date <= periods.period_end
        and (clocked.treatment_start_date is null or clocked.treatment_start_date > periods.period_end)
        and (clocked.discharge_date is null or clocked.discharge_date > periods.period_end)
),

measures as (
    -- Median wait to assessment, overall and by pathway.
    select periods.period_type, periods.period_start, periods.period_end,
        'camhs_median_wait_assessment_weeks' as measure_code, 'all' as breakdown_type, 'all' as breakdown_value,
        cast(null as bigint) as numerator, count(first_contacts.weeks_waited) as denominator,
        percentile_cont(0.5) within group (order by first_contacts.weeks_waited) as statistic
    from periods
    left join first_contacts
        on first_contacts.period_type = periods.period_type and first_contacts.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    select period_type, period_start, period_end, 'camhs_median_wait_assessment_weeks', 'pathway', pathway,
        null, count(*), percentile_cont(0.5) within group (order by weeks_waited)
    from first_contacts
    group by period_type, period_start, period_end, pathway
    union all
    -- Treated within 18 weeks, overall and by pathway.
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_pct_treated_within_18w', 'all',
        'all', count(case when treatments.days_to_treatment <= 126 then 1 end), count(treatments.days_to_treatment),
        null
    from periods
    left join treatments on treatments.period_type = periods.period_type and treatments.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    select period_type, period_start, period_end, 'camhs_pct_treated_within_18w', 'pathway', pathway,
        count(case when days_to_treatment <= 126 then 1 end), count(*), null
    from treatments
    group by period_type, period_start, period_end, pathway
    union all
    -- Eating-disorder access standards at treatment start: 1 week urgent, 4 weeks routine.
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_ed_urgent_1w_pct', 'all', 'all',
        count(case when treatments.days_to_treatment <= 7 then 1 end), count(treatments.days_to_treatment), null
    from periods
    left join treatments
        on treatments.period_type = periods.period_type and treatments.period_end = periods.period_end
        and treatments.pathway = 'EATING_DISORDER' and treatments.priority = 'URGENT'
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_ed_routine_4w_pct', 'all', 'all',
        count(case when treatments.days_to_treatment <= 28 then 1 end), count(treatments.days_to_treatment), null
    from periods
    left join treatments
        on treatments.period_type = periods.period_type and treatments.period_end = periods.period_end
        and treatments.pathway = 'EATING_DISORDER' and treatments.priority = 'ROUTINE'
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    -- Eating-disorder pathways still waiting for treatment at period end.
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_ed_waiting_for_treatment', 'all',
        'all', count(ed_waiting.priority), null, null
    from periods
    left join ed_waiting on ed_waiting.period_type = periods.period_type and ed_waiting.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    select period_type, period_start, period_end, 'camhs_ed_waiting_for_treatment', 'priority', priority,
        count(*), null, null
    from ed_waiting
    group by period_type, period_start, period_end, priority
    union all
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_referrals_received', 'all', 'all',
        count(received.period_end), null, null
    from periods
    left join received on received.period_type = periods.period_type and received.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end
    union all
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_referrals_received', 'pathway',
        received.pathway, count(*), null, null
    from periods
    inner join received on received.period_type = periods.period_type and received.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end, received.pathway
    union all
    select periods.period_type, periods.period_start, periods.period_end, 'camhs_referrals_received',
        'referral_source', coalesce(received.referral_source, 'not_known'), count(*), null, null
    from periods
    inner join received on received.period_type = periods.period_type and received.period_end = periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end, coalesce(received.referral_source, 'not_known')
)

{{ select_measures('measures') }}
