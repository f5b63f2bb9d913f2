{#- The CIN census year (var cin_year, else the latest year the case extract has passed) and whether the case
    extract covers all of it. -#}
{{ return_scope(return_collection('cin_year', 'stg_case__referrals'), 'stg_case__referrals') }}
