{#- The value column of every *_measures mart, from its numerator and denominator by the code's
    naming: *_per_10k is a rate per 10,000, a code containing _pct a percentage, avg_* a mean;
    codes in `statistic_codes` take the `statistic` column (a median, say); anything else is a count. -#}
{% macro measure_value(statistic_codes=[]) -%}
    cast(case
        {%- if statistic_codes %}
        when measure_code in ('{{ statistic_codes | join("', '") }}') then statistic
        {%- endif %}
        when measure_code like '%\_per\_10k' escape '\' then
            case when denominator > 0 then 10000.0 * numerator / denominator end
        when measure_code like '%\_pct%' escape '\' then
            case when denominator > 0 then 100.0 * numerator / denominator end
        when measure_code like 'avg\_%' escape '\' then
            case when denominator > 0 then 1.0 * numerator / denominator end
        else numerator
    end as double precision)
{%- endmacro %}
