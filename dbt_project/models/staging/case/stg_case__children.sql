select
    child_id,
    sex as sex_code,
    {{ decode('case_sex', 'sex', 'sex_903') }} as sex,
    {{ decode('case_sex', 'sex') }} as sex_description,
    date_of_birth,
    ethnicity,
    {{ decode('ssda903_ethnic', 'ethnicity') }} as ethnicity_description,
    {{ yes_no('disability') }} as is_disabled,
    {{ yes_no('uasc') }} as is_uasc,
    extract_date
from {{ case_or_census('children', [
    'child_id', 'sex', 'date_of_birth', 'ethnicity', 'disability', 'uasc', 'extract_date'
]) }} as children
