-- Census children as the case layout holds them: the sex code as sent (GenderCurrent or Sex, both on case_sex),
-- disability Y when any Disability other than NONE is recorded. The census carries no UASC flag: null.
select
    child.child_id,
    child.sex,
    child.date_of_birth,
    child.ethnicity,
    case
        when exists (
            select 1 from {{ ref('stg_cin_census__disabilities') }} as d
            where d.child_id = child.child_id and upper(d.disability) <> 'NONE'
        ) then 'Y'
        else 'N'
    end as disability,
    cast(null as varchar) as uasc,
    child.upn,
    child.former_upn,
    child.upn_unknown,
    child.expected_birth_date,
    child.death_date,
    cast(child.census_year as integer) as census_year,
    child.extract_date
from {{ source('cin_census', 'children') }} as child
