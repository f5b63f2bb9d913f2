-- Finance measures of every complete month and financial year, shaped like lac_measures, from the key
-- activity data. Finance reports month by month; a financial year is read at its March.
-- placements_forecast_variance_gbp sums the external and in-house group rows: the LAC placement lines the
-- F&PR reports (the adoption allowances in the overall total are another budget).
with measures as (
    select 'placements_forecast_variance_gbp' as measure_code, periods.period_type, periods.period_start,
        periods.period_end, 'all' as breakdown_type, 'all' as breakdown_value,
        cast(null as bigint) as numerator, cast(null as bigint) as denominator,
        sum(kad.variance_spend_gbp) as statistic
    from {{ ref('int_reporting_periods') }} as periods
    inner join {{ ref('finance_key_activity_data') }} as kad
        on kad.reporting_month_end = periods.period_end
    where kad.row_type = 'group' and kad.service_type in ('external', 'in_house')
    group by periods.period_type, periods.period_start, periods.period_end
)

{{ select_measures('measures') }}
