select
    financial_year,
    make_date(cast(left(financial_year, 4) as integer), 4, 1) as financial_year_start_date,
    service_type,
    {{ decode('finance_service_type', 'service_type') }} as service_type_description,
    budgeted_placements,
    annual_budget as annual_budget_gbp,
    cast(weeks_funded as integer) as weeks_funded,
    extract_date
from {{ source('finance', 'budgets') }}
