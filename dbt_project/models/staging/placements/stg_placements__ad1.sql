select
    child as child_id,
    date_int,
    dob as date_of_birth,
    date_match,
    foster_care,
    nb_adoptr,
    sex_adoptr,
    {{ decode('ssda903_sex_adoptr', 'sex_adoptr') }} as sex_adoptr_description,
    ls_adoptr,
    {{ decode('ssda903_ls_adoptr', 'ls_adoptr') }} as ls_adoptr_description,
    extract_date
from {{ source('placements', 'ad1') }}
