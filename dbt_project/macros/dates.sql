{#- Whole years from a date of birth to a day (a 29 February birthday falls on 1 March in other years). -#}
{% macro age_in_years(date_of_birth, day) -%}
    (extract(year from {{ day }}) - extract(year from {{ date_of_birth }})
     - case when extract(month from {{ day }}) * 100 + extract(day from {{ day }})
                 < extract(month from {{ date_of_birth }}) * 100 + extract(day from {{ date_of_birth }})
            then 1 else 0 end)
{%- endmacro %}

{#- Calendar months after a date, clamped to the month end when the day does not exist. -#}
{% macro add_months(day, months) -%}
    cast({{ day }} + interval '{{ months }} months' as date)
{%- endmacro %}

{#- The council's age bands (DOMAIN.md 4.1: 0-4, 5-10, 11-15, 16-17; 18+ for care leavers still in care). -#}
{% macro age_band_council(age) -%}
    case
        when {{ age }} < 5 then '0-4'
        when {{ age }} < 11 then '5-10'
        when {{ age }} < 16 then '11-15'
        when {{ age }} < 18 then '16-17'
        else '18+'
    end
{%- endmacro %}

{#- The DfE's age bands (DOMAIN.md 4.1: under 1, 1-4, 5-9, 10-15, 16+). -#}
{% macro age_band_dfe(age) -%}
    case
        when {{ age }} < 1 then 'Under 1'
        when {{ age }} < 5 then '1 to 4'
        when {{ age }} < 10 then '5 to 9'
        when {{ age }} < 16 then '10 to 15'
        else '16 and over'
    end
{%- endmacro %}
