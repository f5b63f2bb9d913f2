"""Ofsted's Annex A lists (ILACS), each as the workbook's sheet: its headings, who is on it, and the SQL that fills it.

Headings are the Annex A template's, as liia-tools-pipeline's Annex A schema records them. Each list's SQL
selects one column per heading, in order, from the marts and staging (a heading the warehouse holds nothing
for is `null`, and `not_held` says why). The SQL is a template: `{as_at}`, `{start6}` and `{start12}` become
date literals (the data request's date, and the first day of the six and twelve months up to it), so the
same text runs on DuckDB and PostgreSQL. Nothing after the as-at date is shown: a later end or closure is
blank, as it was on that day. Lists 1-7 are here; 8-11 (care, care leavers, adoption) in lists_care.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from outputs.annex_a import codes

CHILD = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ("Allocated Team", "Allocated Worker")
NO_ALLOCATION = {
    "Allocated Team": "the case extract carries no team or worker; the council adds them when it joins names",
    "Allocated Worker": "the case extract carries no team or worker; the council adds them when it joins names",
}
CHILD_CODES: dict[str, Callable[[object], object]] = {
    "Gender": codes.coder(codes.GENDER),
    "Ethnicity": codes.coder(codes.ETHNICITY),
    DISABILITY: codes.yes_no,
}
# The child's columns, from the case system's child record (aliased ch); age in whole years on the as-at date.
AGE_SQL = """case when ch.date_of_birth <= date '{as_at}'
        then cast(date_part('year', age(date '{as_at}', ch.date_of_birth)) as integer) end"""
CHILD_SQL = f"ch.child_id, ch.sex, ch.ethnicity, ch.date_of_birth, {AGE_SQL}"


def within(column: str, months: int = 6) -> str:
    """The date falls in the six (or twelve) months up to the as-at date, both ends included."""
    return f"{column} between date '{{start{months}}}' and date '{{as_at}}'"


def known(column: str) -> str:
    """The date as known on the as-at date: a later one had not happened yet."""
    return f"case when {column} <= date '{{as_at}}' then {column} end"


@dataclass(frozen=True)
class AnnexList:
    number: int
    title: str  # the sheet's name after "List N "
    who: str  # who is on the list, in the guidance's terms and this warehouse's reading, for the cover sheet
    headings: tuple[str, ...]
    sql: str | None = None  # None: the warehouse holds nothing for this list (unfilled says why)
    unfilled: str | None = None
    not_held: dict[str, str] = field(default_factory=dict)  # heading -> why its column is blank
    codes: dict[str, Callable[[object], object]] = field(default_factory=dict)

    @property
    def sheet(self) -> str:
        return f"List {self.number} {self.title}"[:31]


CONTACTS = AnnexList(
    1,
    "Contacts",
    "all contacts in the six months before the data request",
    (*CHILD, "Date of Contact", "Contact Source"),
    unfilled="the case extract starts at the referral: contacts that did not become referrals are not sent "
    "to the warehouse (no contacts file in the landing contract)",
)

EARLY_HELP = AnnexList(
    2,
    "Early help",
    "all early help assessments in the six months before the data request",
    (*CHILD, "Assessment start date", "Assessment completion date", "Organisation completing assessment"),
    unfilled="early help assessments are not in the case extract (edge-of-care interventions are services, "
    "not early help assessments)",
)

REFERRALS = AnnexList(
    3,
    "Referrals",
    "all referrals received in the six months before the data request (referral date in the window)",
    (
        *CHILD,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        *ALLOCATED,
    ),
    sql=f"""
with counted as (
    select
        referral_id,
        count(*) over (
            partition by child_id order by referral_date
            range between interval '365 days' preceding and current row
        ) as referrals_12m
    from case_management.case_referrals
)
select {CHILD_SQL}, r.referral_date, r.referral_source,
    case when r.is_nfa then 'Yes' else 'No' end, counted.referrals_12m, null, null
from case_management.case_referrals as r
inner join counted on counted.referral_id = r.referral_id
inner join staging.stg_case__children as ch on ch.child_id = r.child_id
where {within("r.referral_date")}
order by r.referral_date, r.referral_id""",
    not_held=NO_ALLOCATION,
    codes=CHILD_CODES,
)
# "Number of Referrals in Last 12 Months": this referral and the child's others at most 365 days before it
# (the re-referral rule's 12 months).

ASSESSMENTS = AnnexList(
    4,
    "Assessments",
    "all continuous (single) assessments started, or authorised, in the six months before the data request",
    (
        *CHILD,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *ALLOCATED,
    ),
    sql=f"""
select {CHILD_SQL}, ch.is_disabled, r.assessment_start_date, null, {known("r.assessment_authorised_date")}, null,
    null, null
from case_management.case_referrals as r
inner join staging.stg_case__children as ch on ch.child_id = r.child_id
where {within("r.assessment_start_date")}
    or {within("r.assessment_authorised_date")}
order by r.assessment_start_date, r.referral_id""",
    not_held={
        "Child Seen During Continuous Assessment": "visits are not in the case extract",
        "Was the child assessed as requiring LA children's social care support?": "the assessment's outcome is "
        "not in the case extract (only the referral's closure reason, known later)",
        **NO_ALLOCATION,
    },
    codes=CHILD_CODES,
)

SECTION_47 = AnnexList(
    5,
    "Section 47",
    "all Section 47 enquiries started, and initial child protection conferences held, in the six months "
    "before the data request",
    (
        *CHILD,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *ALLOCATED,
    ),
    sql=f"""
select {CHILD_SQL}, ch.is_disabled, s.s47_start_date,
    case when s.icpc_not_required then 'Yes' when s.icpc_not_required = false then 'No' end,
    {known("s.icpc_date")},
    case when s.icpc_date <= date '{{as_at}}' then
        case when exists (
            select 1 from staging.stg_case__cp_plans as cp
            where cp.child_id = s.child_id and cp.plan_start_date = s.icpc_date
        ) then 'Yes' else 'No' end
    end,
    (select count(*) from staging.stg_case__section_47 as o
        where o.child_id = s.child_id and {within("o.s47_start_date", 12)}),
    (select count(*) from staging.stg_case__section_47 as o
        where o.child_id = s.child_id and {within("o.icpc_date", 12)}),
    null, null
from staging.stg_case__section_47 as s
inner join staging.stg_case__children as ch on ch.child_id = s.child_id
where {within("s.s47_start_date")}
    or {within("s.icpc_date")}
order by s.s47_start_date, s.s47_id""",
    not_held=NO_ALLOCATION,
    codes=CHILD_CODES,
)
# An ICPC results in a plan when the child's CP plan starts on the conference's date (the plan starts there).

CASE_STATUS = """case
        when r.closure_date <= date '{as_at}' then 'e) Closed episode'
        when exists (
            select 1 from lac.lac_periods_of_care as pc
            where pc.child_id = r.child_id and not pc.is_short_breaks_only
                and pc.period_start_date <= date '{as_at}'
                and (pc.period_end_date is null or pc.period_end_date > date '{as_at}')
        ) then 'a) Looked after child'
        when exists (
            select 1 from staging.stg_case__cp_plans as cp
            where cp.child_id = r.child_id and cp.plan_start_date <= date '{as_at}'
                and (cp.plan_end_date is null or cp.plan_end_date > date '{as_at}')
        ) then 'b) Child Protection plan'
        when exists (
            select 1 from staging.stg_case__cin_plans as cin
            where cin.child_id = r.child_id and cin.plan_start_date <= date '{as_at}'
                and (cin.plan_end_date is null or cin.plan_end_date > date '{as_at}')
        ) then 'c) Child in need plan'
        when r.assessment_start_date <= date '{as_at}'
            and (r.assessment_authorised_date is null or r.assessment_authorised_date > date '{as_at}')
            then 'd) Open assessment'
    end"""

CHILDREN_IN_NEED = AnnexList(
    6,
    "Children in need",
    "every episode of need (a referral that was not NFA, to its closure) open on the as-at date or closed "
    "in the six months before it; the child's case status on the as-at date",
    (
        *CHILD,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *ALLOCATED,
    ),
    sql=f"""
select {CHILD_SQL}, ch.is_disabled, r.referral_date, r.primary_need, null, {known("r.closure_date")},
    case when r.closure_date <= date '{{as_at}}' then r.closure_reason end,
    {CASE_STATUS}, null, null
from case_management.case_referrals as r
inner join staging.stg_case__children as ch on ch.child_id = r.child_id
where not r.is_nfa and r.referral_date <= date '{{as_at}}'
    and (r.closure_date is null or r.closure_date >= date '{{start6}}')
order by r.referral_date, r.referral_id""",
    not_held={
        "Date Child Was Last Seen": "visits are not in the case extract",
        "Case Status": "left blank for an open episode with no plan, no open assessment and not looked after",
        **NO_ALLOCATION,
    },
    codes={
        **CHILD_CODES,
        "Primary Need Code": codes.coder(codes.NEED),
        "Reason for Closure": codes.coder(codes.CIN_CLOSURE),
    },
)

CHILD_PROTECTION = AnnexList(
    7,
    "Child protection",
    "every child protection plan open on the as-at date or ended in the six months before it",
    (
        *CHILD,
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        *ALLOCATED,
    ),
    sql=f"""
select {CHILD_SQL}, ch.is_disabled, p.plan_start_date, p.initial_category, null, null, null, null,
    {known("p.plan_end_date")}, null,
    (select count(*) from staging.stg_case__cp_plans as e
        where e.child_id = p.child_id and e.plan_start_date < p.plan_start_date),
    null, null
from staging.stg_case__cp_plans as p
inner join staging.stg_case__children as ch on ch.child_id = p.child_id
where p.plan_start_date <= date '{{as_at}}' and (p.plan_end_date is null or p.plan_end_date >= date '{{start6}}')
order by p.plan_start_date, p.cp_plan_id""",
    not_held={
        "Latest Category of Abuse": "the case extract holds the plan's initial category only",
        "Date of the Last Statutory Visit": "visits are not in the case extract",
        "Was the Child Seen Alone?": "visits are not in the case extract",
        "Date of latest review conference": "review conferences are not in the case extract",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": "orders "
        "and police protection are not in the case extract",
        **NO_ALLOCATION,
    },
    codes={**CHILD_CODES, "Initial Category of Abuse": codes.coder(codes.CP_CATEGORY)},
)

CASE_LISTS = (CONTACTS, EARLY_HELP, REFERRALS, ASSESSMENTS, SECTION_47, CHILDREN_IN_NEED, CHILD_PROTECTION)
