-- SEX arrives in either 903 coding (1/2 up to 2023/24, M/F/U since); staging keeps M/F/U.
select
    child as child_id,
    sex as sex_code,
    case sex when '1' then 'M' when '2' then 'F' else sex end as sex,
    dob as date_of_birth,
    ethnic as ethnicity,
    {{ decode('ssda903_ethnic', 'ethnic') }} as ethnicity_description,
    upn,
    case mother when '1' then true when '0' then false end as is_mother,
    mc_dob as mother_child_date_of_birth,
    extract_date
from {{ source('placements', 'header') }}
