select
    ltla_code as district_code,
    ltla_name as district_name,
    utla_code as county_code,
    utla_name as county_name
from {{ source('reference', 'local_authorities') }}
