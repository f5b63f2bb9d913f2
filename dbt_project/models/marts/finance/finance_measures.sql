-- Finance measures of every complete month and financial year, shaped like lac_measures, from the key
-- activity data's total row. Finance reports month by month; a financial year is read at its March.
with measures as (
    select 'placements_forecast_variance_gbp' as measure_code, periods.period_type, periods.period_start,
        periods.period_end, 'all' as breakdown_type, 'all' as breakdown_value,
        cast(null as bigint) as numerator, cast(null as bigint) as denominator,
        kad.variance_spend_gbp as statistic
    from {{ ref('int_reporting_periods') }} as periods
    inner join {{ ref('finance_key_activity_data') }} as kad
        on kad.reporting_month_end = periods.period_end
    where kad.row_type = 'total'
)

{{ select_measures('measures') }}
