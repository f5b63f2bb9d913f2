-- The indicator scorecard (MEASURES.md, DOMAIN.md 4.12): one row per indicator, period and breakdown
-- with value, numerator, denominator, the previous period's value, direction of travel, target and RAG.
-- Which measures are indicators, their names, polarity (seeds/config/measure_registry.csv) and targets
-- (scorecard_targets, dated, with glide paths) are council configuration; comparators (reference/comparators.csv)
-- sit beside the target and never set the RAG.
-- RAG and direction compare values as the committee reads them, rounded to 1 decimal place, so a
-- figure shown as 25.0 against a target of 25 is Green and 47.61 -> 47.64 is unchanged.

-- Every measure mart in one; each already carries its value, so the scorecard only assembles.
with measures as (
    {%- for mart in ['lac_measures', 'lac_strategy_measures', 'case_measures', 'edge_of_care_measures',
                     'camhs_measures', 'camhs_waiting_list_measures', 'finance_measures'] %}
    select measure_code, period_type, period_start, period_end, breakdown_type, breakdown_value,
        numerator, denominator, value
    from {{ ref(mart) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- The registry's measures with a report_order are the indicators.
indicators as (
    select
        registry.measure_code as indicator_code,
        registry.report_order,
        registry.area,
        registry.measure_name as indicator_name,
        registry.directorate,
        registry.unit,
        registry.polarity,
        measures.period_type,
        measures.period_start,
        measures.period_end,
        measures.breakdown_type,
        measures.breakdown_value,
        measures.numerator,
        measures.denominator,
        measures.value,
        round(cast(measures.value as numeric), 1) as shown_value
    from {{ ref('measure_registry') }} as registry
    inner join measures on measures.measure_code = registry.measure_code
    where registry.report_order is not null
),

-- The target in force at period end: the latest valid_from on or before it whose valid_to (if any) has
-- not passed. A breakdown_value left blank covers every value of the breakdown type.
targets_ranked as (
    select
        indicators.indicator_code,
        indicators.period_type,
        indicators.period_end,
        indicators.breakdown_type,
        indicators.breakdown_value,
        targets.target_min,
        targets.target_max,
        targets.glide_to_min,
        targets.glide_to_max,
        targets.amber_tolerance_pct,
        targets.valid_from,
        targets.valid_to,
        row_number() over (
            partition by indicators.indicator_code, indicators.period_type, indicators.period_end,
                indicators.breakdown_type, indicators.breakdown_value
            order by targets.valid_from desc, targets.breakdown_value nulls last
        ) as recency
    from indicators
    inner join {{ ref('scorecard_targets') }} as targets
        on targets.indicator_code = indicators.indicator_code
        and targets.breakdown_type = indicators.breakdown_type
        and coalesce(targets.breakdown_value, indicators.breakdown_value) = indicators.breakdown_value
        and targets.valid_from <= indicators.period_end
        and (targets.valid_to is null or targets.valid_to >= indicators.period_end)
),

-- A glide path moves in a straight line by month and is rounded as the report shows it (glide_path_value).
targets_in_force as (
    select
        indicator_code,
        period_type,
        period_end,
        breakdown_type,
        breakdown_value,
        amber_tolerance_pct,
        {{ glide_path_value('target_min', 'glide_to_min', 'valid_from', 'valid_to', 'period_end') }} as target_min,
        {{ glide_path_value('target_max', 'glide_to_max', 'valid_from', 'valid_to', 'period_end') }} as target_max
    from targets_ranked
    where recency = 1
),

-- Comparators beside the indicator (never a target): the latest published value on or before period end.
comparators_ranked as (
    select
        indicators.indicator_code,
        indicators.period_type,
        indicators.period_end,
        comparators.comparator_group,
        comparators.comparator_value,
        comparators.period_end as comparator_period_end,
        row_number() over (
            partition by indicators.indicator_code, indicators.period_type, indicators.period_end,
                comparators.comparator_group
            order by comparators.period_end desc
        ) as recency
    from indicators
    inner join {{ ref('stg_reference__comparators') }} as comparators
        on comparators.indicator_code = indicators.indicator_code
        and comparators.period_end <= indicators.period_end
    where indicators.breakdown_type = 'all'
),

comparators as (
    select
        indicator_code,
        period_type,
        period_end,
        {%- for group in ['ENGLAND', 'REGION', 'STAT_NEIGHBOURS', 'WALES'] %}
        max(case when comparator_group = '{{ group }}' then comparator_value end) as comparator_{{ group | lower }},
        max(case when comparator_group = '{{ group }}' then comparator_period_end end)
            as comparator_{{ group | lower }}_period_end{{ "," if not loop.last }}
        {%- endfor %}
    from comparators_ranked
    where recency = 1
    group by indicator_code, period_type, period_end
),

compared as (
    select
        indicators.*,
        previous.period_end as previous_period_end,
        previous.value as previous_value,
        previous.shown_value as previous_shown_value,
        targets.target_min,
        targets.target_max,
        targets.amber_tolerance_pct,
        {%- for group in ['england', 'region', 'stat_neighbours', 'wales'] %}
        comparators.comparator_{{ group }},
        comparators.comparator_{{ group }}_period_end{{ "," if not loop.last }}
        {%- endfor %}
    from indicators
    -- The previous period ends the day before this one starts (same period type and breakdown).
    left join indicators as previous
        on previous.indicator_code = indicators.indicator_code
        and previous.period_type = indicators.period_type
        and previous.breakdown_type = indicators.breakdown_type
        and previous.breakdown_value = indicators.breakdown_value
        and previous.period_end = indicators.period_start - 1
    left join targets_in_force as targets
        on targets.indicator_code = indicators.indicator_code
        and targets.period_type = indicators.period_type
        and targets.period_end = indicators.period_end
        and targets.breakdown_type = indicators.breakdown_type
        and targets.breakdown_value = indicators.breakdown_value
    left join comparators
        on comparators.indicator_code = indicators.indicator_code
        and comparators.period_type = indicators.period_type
        and comparators.period_end = indicators.period_end
        and indicators.breakdown_type = 'all'
)

select
    indicator_code,
    report_order,
    area,
    indicator_name,
    directorate,
    unit,
    polarity,
    period_type,
    period_start,
    period_end,
    breakdown_type,
    breakdown_value,
    breakdown_type = 'all' as is_total,
    numerator,
    denominator,
    value,
    previous_period_end,
    previous_value,
    case
        when shown_value is null or previous_shown_value is null then null
        when shown_value = previous_shown_value then 'unchanged'
        when polarity = 'neutral' then case when shown_value > previous_shown_value then 'up' else 'down' end
        when (shown_value < previous_shown_value) = (polarity = 'lower') then 'improving'
        else 'worsening'
    end as direction_of_travel,
    target_min,
    target_max,
    amber_tolerance_pct,
    case
        when shown_value is null or (target_min is null and target_max is null) then null
        when (target_min is null or shown_value >= target_min)
            and (target_max is null or shown_value <= target_max) then 'green'
        when shown_value < target_min
            and target_min - shown_value <= amber_tolerance_pct / 100.0 * abs(target_min) then 'amber'
        when shown_value > target_max
            and shown_value - target_max <= amber_tolerance_pct / 100.0 * abs(target_max) then 'amber'
        else 'red'
    end as rag,
    {%- for group in ['england', 'region', 'stat_neighbours', 'wales'] %}
    comparator_{{ group }},
    comparator_{{ group }}_period_end{{ "," if not loop.last }}
    {%- endfor %}
from compared
