"""Annex A lists 8-11: children in care, care leavers, adoption and adopters, from the SSDA903 marts and staging.

The same conventions as lists.py (headings, one SQL column per heading, `{as_at}`-style date literals; here
also `{la_ons}`, the council's ONS code, and `{collection_year}`, the SSDA903 year the as-at date is in).
"""

from __future__ import annotations

from outputs.annex_a import codes
from outputs.annex_a.lists import (
    AGE_SQL,
    ALLOCATED,
    CHILD,
    CHILD_CODES,
    CHILD_SQL,
    DISABILITY,
    NO_ALLOCATION,
    AnnexList,
    known,
    within,
)

NOT_IN_903 = "not in the SSDA903 extract"

# The child's details from the case system, or, for a child it does not hold, from the SSDA903 header (no
# disability there): a child in care is listed whether or not the case extract has them.
CARE_CHILDREN = """(
    select child_id, sex, ethnicity, date_of_birth, is_disabled from staging.stg_case__children
    union all
    select h.child_id, h.sex, h.ethnicity, h.date_of_birth, null from staging.stg_placements__header as h
    where not exists (select 1 from staging.stg_case__children as c where c.child_id = h.child_id)
)"""

# Each period of care on the list with its episodes up to the as-at date (the resolved episodes every LAC
# model reads), the newest first, and where the legal status changed.
CARE_CTES = """
with periods as (
    select pc.*
    from lac.lac_periods_of_care as pc
    where not pc.is_short_breaks_only and pc.period_start_date <= date '{as_at}'
        and (pc.period_end_date is null or pc.period_end_date >= date '{start6}')
),
episodes as (
    select
        p.period_of_care_id,
        e.*,
        row_number() over (partition by p.period_of_care_id order by e.episode_start_date desc) as newest,
        lag(e.legal_status) over (partition by p.period_of_care_id order by e.episode_start_date) as previous_status
    from periods as p
    inner join intermediate.int_episodes_located as e
        on e.child_id = p.child_id and e.episode_start_date >= p.period_start_date
        and (p.period_end_date is null or e.episode_start_date < p.period_end_date)
        and e.episode_start_date <= date '{as_at}'
),
legal_status_starts as (
    select period_of_care_id, max(episode_start_date) as legal_status_start
    from episodes
    where previous_status is null or previous_status <> legal_status
    group by period_of_care_id
)"""

CHILDREN_IN_CARE = AnnexList(
    8,
    "Children in care",
    "every period of care (short breaks only excluded) open on the as-at date or ended in the six months "
    "before it; its placement and legal status as on the as-at date, or when it ended",
    (
        *CHILD,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        DISABILITY,
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        *ALLOCATED,
    ),
    sql=CARE_CTES
    + f"""
select {CHILD_SQL},
    exists (
        select 1 from staging.stg_placements__uasc as u
        where u.child_id = p.child_id and (u.uasc_ceased_date is null or u.uasc_ceased_date >= date '{{start12}}')
    ),
    ch.is_disabled, p.period_start_date, e.category_of_need,
    exists (
        select 1 from lac.lac_periods_of_care as o
        where o.child_id = p.child_id and not o.is_short_breaks_only and o.period_start_date < p.period_start_date
            and o.period_end_date >= date '{{start12}}'
    ),
    ls.legal_status_start, e.legal_status,
    (select max(rv.review_date) from staging.stg_placements__reviews as rv
        where rv.child_id = p.child_id and rv.review_date between p.period_start_date and date '{{as_at}}'),
    null, null, null, null, null,
    (select count(*) from lac.lac_placements as pl
        where pl.child_id = p.child_id and pl.placement_start_date <= date '{{as_at}}'
            and (pl.placement_end_date is null or pl.placement_end_date >= date '{{start12}}')),
    {known("p.period_end_date")}, case when p.period_end_date <= date '{{as_at}}' then p.reason_ceased end,
    (select max(pl.placement_start_date) from lac.lac_placements as pl
        where pl.period_of_care_id = p.period_of_care_id and pl.placement_start_date <= date '{{as_at}}'),
    e.placement_type, e.placement_provider, e.placement_postcode, e.urn,
    case when e.placement_council_code = '{{la_ons}}' then 'a) In'
        when e.placement_council_code is not null then 'b) Out' end,
    e.placement_council_code,
    (select count(*) from staging.stg_placements__missing as m where m.child_id = p.child_id
        and m.missing_type = 'M' and {within("m.missing_start_date", 12)}),
    (select count(*) from staging.stg_placements__missing as m where m.child_id = p.child_id
        and m.missing_type = 'A' and {within("m.missing_start_date", 12)}),
    null, null, null, null
from periods as p
inner join {CARE_CHILDREN} as ch on ch.child_id = p.child_id
left join episodes as e on e.period_of_care_id = p.period_of_care_id and e.newest = 1
left join legal_status_starts as ls on ls.period_of_care_id = p.period_of_care_id
order by p.period_start_date, p.period_of_care_id""",
    not_held={
        "Date of Last Social Work Visit": "visits are not in the case or SSDA903 extracts",
        "What is the permanence plan for this child?": NOT_IN_903,
        "Date of Last IRO Visit / Contact to the Child": NOT_IN_903,
        "Date of Last Health Assessment": "OC2 holds whether a health assessment was done in the year, not its date",
        "Date of Last Dental Check": "OC2 holds whether a dental check was done in the year, not its date",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": NOT_IN_903
        + " (the missing table holds no return interviews)",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": NOT_IN_903
        + " (the missing table holds no return interviews)",
        **NO_ALLOCATION,
    },
    codes={
        **CHILD_CODES,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": codes.yes_no,
        "Child's Category of Need": codes.coder(codes.NEED),
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)": (
            codes.yes_no
        ),
    },
)
# Second or subsequent: another period of care of the child was open at some time in the 12 months.

CARE_LEAVERS = AnnexList(
    9,
    "Care leavers",
    "the care leavers of the latest SSDA903 year up to the as-at date (OC3: the young people whose 17th to "
    "21st birthday fell in that year), each as OC3 records them",
    (
        *CHILD,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        DISABILITY,
        *ALLOCATED,
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ),
    sql=f"""
select {CHILD_SQL},
    exists (select 1 from staging.stg_placements__uasc as u where u.child_id = o.child_id),
    ch.is_disabled, null, null, null, null, null, o.in_touch, null, substr(o.accom, 1, 1), substr(o.accom, 2, 1),
    o.activ
from staging.stg_placements__oc3 as o
inner join {CARE_CHILDREN} as ch on ch.child_id = o.child_id
where o.collection_year = (
    select max(collection_year) from staging.stg_placements__oc3 where collection_year <= {{collection_year}}
)
order by o.child_id""",
    not_held={
        "Allocated Personal Advisor": "personal advisers are not in the extracts",
        "Eligibility Category": "care leaver eligibility is not recorded in the extracts",
        "Latest Pathway Plan Review Date": "pathway plans are not in the extracts",
        "Latest Date of Contact": "OC3 holds whether the council was in touch around the birthday, not the date",
        **NO_ALLOCATION,
    },
    codes={
        **CHILD_CODES,
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)": codes.yes_no,
        "Type of Accommodation": codes.coder(codes.ACCOMMODATION_TYPE),
        "Suitability of Accommodation": codes.coder(codes.ACCOMMODATION_SUITABILITY),
    },
)

ADOPTED = "('E11', 'E12')"
ADOPTION = AnnexList(
    10,
    "Adoption",
    "every child with a decision that they should be placed for adoption, unless adopted, or no longer to be "
    "placed, more than twelve months before the as-at date",
    (
        "Child Unique ID",
        "Family identifier",
        *CHILD[1:],
        DISABILITY,
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ),
    sql=f"""
with decisions as (
    select
        a.*,
        pc.period_start_date,
        case when pc.reason_ceased in {ADOPTED} then pc.period_end_date end as adopted_date,
        row_number() over (partition by a.child_id, a.date_placed order by pc.period_start_date desc) as nearest
    from staging.stg_placements__placed_for_adoption as a
    left join lac.lac_periods_of_care as pc on pc.child_id = a.child_id and pc.period_start_date <= a.date_placed
    where a.date_placed <= date '{{as_at}}'
)
select d.child_id, null, ch.sex, ch.ethnicity, ch.date_of_birth, {AGE_SQL},
    ch.is_disabled, d.period_start_date, d.date_placed,
    (select min(e.episode_start_date) from intermediate.int_episodes_located as e
        where e.child_id = d.child_id and e.legal_status = 'E1'
            and e.episode_start_date between d.period_start_date and date '{{as_at}}'),
    (select max(ad1.date_match) from staging.stg_placements__ad1 as ad1
        where ad1.child_id = d.child_id and ad1.date_int = d.date_placed and ad1.date_match <= date '{{as_at}}'),
    (select min(e.episode_start_date) from intermediate.int_episodes_located as e
        where e.child_id = d.child_id and e.placement_type in ('A3', 'A4', 'A5', 'A6')
            and e.episode_start_date between d.period_start_date and date '{{as_at}}'),
    {known("d.adopted_date")}, {known("d.date_placed_ceased")},
    case when d.date_placed_ceased <= date '{{as_at}}' then d.reason_placed_ceased end,
    null
from decisions as d
inner join {CARE_CHILDREN} as ch on ch.child_id = d.child_id
where d.nearest = 1
    and (d.adopted_date is null or d.adopted_date >= date '{{start12}}')
    and (d.date_placed_ceased is null or d.date_placed_ceased >= date '{{start12}}')
order by d.date_placed, d.child_id""",
    not_held={
        "Family identifier": "sibling groups are not in the extracts",
        "Date the child was placed for fostering in FFA or concurrent planning placement": "the SSDA903 placement "
        "types do not tell fostering for adoption apart",
    },
    codes=CHILD_CODES,
)
# Date of Placement Order: the first episode under a placement order (E1) in the period; placed for adoption:
# the first A3-A6 placement; adoption order: the period's end when it ended in adoption (E11, E12).

ADOPTERS = AnnexList(
    11,
    "Adopters",
    "all prospective adopters who enquired or were in the adoption process in the twelve months before",
    (
        "Individual adopter identifier",
        "Family identifier",
        "Gender",
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ),
    unfilled="adopters are not in the extracts: the SSDA903 return's AD1 holds only the number and sex of a "
    "child's adopters (the regional adoption agency holds the adopters' list)",
)

CARE_LISTS = (CHILDREN_IN_CARE, CARE_LEAVERS, ADOPTION, ADOPTERS)
