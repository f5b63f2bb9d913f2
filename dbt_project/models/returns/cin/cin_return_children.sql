{#- ChildIdentifiers and ChildCharacteristics: every child with a CIN episode in the collection year. A child
    referred before birth and not born by 31 March has an expected date of birth and sex unknown (rule 8750);
    the UPN (or why it is unknown) is the SSDA903 header's, for children looked after. -#}
with upns as (
    select
        child_id,
        max(case when upn not like 'UN%' then upn end) as upn,
        max(case when upn like 'UN%' then upn end) as upn_unknown
    from {{ ref('stg_placements__header') }}
    group by child_id
)

select
    children.child_id,
    upns.upn,
    upns.upn_unknown,
    case when children.date_of_birth <= collection.year_end then children.date_of_birth end as date_of_birth,
    case when children.date_of_birth > collection.year_end then children.date_of_birth end as expected_birth_date,
    -- the case layout's codes (1 male, 2 female, 0 not known, 9 indeterminate); the writer codes the year's
    case when children.date_of_birth > collection.year_end then '0' else children.sex_code end as sex,
    children.ethnicity,
    -- the warehouse knows only whether a child is disabled: DDA is the census's code for another disability
    case when children.is_disabled then 'DDA' else 'NONE' end as disability
from {{ ref('stg_case__children') }} as children
cross join {{ ref('cin_return_scope') }} as collection
left join upns on children.child_id = upns.child_id
where children.child_id in (select referrals.child_id from {{ ref('cin_return_referrals') }} as referrals)
