"""The DfE SSDA903 CSV layout, full history. Column names stay the DfE's in landing; raw lower-cases them.

The five core tables are in every extract. The other seven are optional: a council's system may not produce
them (or the DfE added them later: SWEpisodes from 2023/24, DoLo from 2026/27), and a header-only one is an
ordinary year with no adoptions. OC2 and OC3 carry COLLECTION_YEAR, the warehouse's own column: a full history
holds one row per child per year, and the DfE's single-year files do not say which year that is.
"""

from ingest.contracts import Column, Entity, Source, col

S = "placements"


def _optional(name: str, *columns: Column) -> Entity:
    return Entity(S, name, columns, may_be_empty=True, optional=True)


def _flag(name: str) -> Column:
    return col(name, codes="ssda903_zero_one")


OPTIONAL_ENTITIES = (
    _optional(
        "oc2",
        col("CHILD", key=True),
        col("COLLECTION_YEAR", "int", key=True),
        col("DOB", "date"),
        col("SDQ_SCORE", "int"),
        col("SDQ_REASON", codes="ssda903_sdq_reason"),
        *map(
            _flag,
            (
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ),
        ),
    ),
    _optional(
        "oc3",
        col("CHILD", key=True),
        col("COLLECTION_YEAR", "int", key=True),
        col("DOB", "date"),
        col("IN_TOUCH", codes="ssda903_in_touch"),
        col("ACTIV", codes="ssda903_activ"),
        col("ACCOM", codes="ssda903_accom"),
    ),
    _optional(
        "ad1",
        col("CHILD", key=True),
        col("DATE_INT", "date", key=True),
        col("DOB", "date"),
        col("DATE_MATCH", "date"),
        _flag("FOSTER_CARE"),
        col("NB_ADOPTR", codes="ssda903_nb_adoptr"),
        col("SEX_ADOPTR", codes="ssda903_sex_adoptr"),
        col("LS_ADOPTR", codes="ssda903_ls_adoptr"),
    ),
    _optional(
        "placed_for_adoption",
        col("CHILD", key=True),
        col("DATE_PLACED", "date", key=True),
        col("DOB", "date"),
        col("DATE_PLACED_CEASED", "date"),
        col("REASON_PLACED_CEASED", codes="ssda903_reason_placed_ceased"),
    ),
    _optional(
        "previous_permanence",
        col("CHILD", key=True),
        col("DOB", "date"),
        col("PREV_PERM", codes="ssda903_prev_perm"),
        col("LA_PERM"),
        # Text, not a date: the DfE allows a partly known date (ZZ/05/2015, ZZ/ZZ/2015).
        col("DATE_PERM"),
    ),
    _optional(
        "sw_episodes",
        col("CHILD", key=True),
        col("SW_ID", key=True),
        col("SW_DECOM", "date", key=True),
        col("DOB", "date"),
        col("SW_DEC", "date"),
        col("SW_REASON", codes="ssda903_sw_reason"),
    ),
    _optional(
        "dolo",
        col("CHILD", key=True),
        col("DOLO_START", "date", key=True),
        col("DOB", "date"),
        col("DOLO_END", "date"),
    ),
)

ENTITIES = (
    Entity(
        S,
        "header",
        (
            col("CHILD", key=True),
            col("SEX", nullable=False, codes="ssda903_sex"),
            col("DOB", "date", nullable=False),
            col("ETHNIC", codes="ssda903_ethnic"),
            col("UPN"),
            col("MOTHER"),
            col("MC_DOB", "date"),
        ),
    ),
    Entity(
        S,
        "episodes",
        (
            col("CHILD", key=True),
            col("DECOM", "date", key=True),
            col("RNE", nullable=False, codes="ssda903_rne"),
            col("LS", nullable=False, codes="ssda903_legal_status"),
            col("CIN", codes="ssda903_cin"),
            col("PLACE", nullable=False, codes="ssda903_place"),
            col("PLACE_PROVIDER", codes="ssda903_place_provider"),
            col("DEC", "date"),
            col("REC", codes="ssda903_rec"),
            col("REASON_PLACE_CHANGE", codes="ssda903_reason_place_change"),
            col("HOME_POST"),
            col("PL_POST"),
            col("URN"),
        ),
    ),
    Entity(
        S,
        "uasc",
        (
            col("CHILD", key=True),
            col("SEX", codes="ssda903_sex"),
            col("DOB", "date"),
            col("DUC", "date"),
        ),
        may_be_empty=True,
    ),
    Entity(
        S,
        "reviews",
        (
            col("CHILD", key=True),
            col("DOB", "date"),
            col("REVIEW", "date", key=True),
            col("REVIEW_CODE", codes="ssda903_review_code"),
        ),
    ),
    Entity(
        S,
        "missing",
        (
            col("CHILD", key=True),
            col("DOB", "date"),
            col("MISSING", codes="ssda903_missing"),
            col("MIS_START", "date", key=True),
            col("MIS_END", "date"),
        ),
        may_be_empty=True,
    ),
    *OPTIONAL_ENTITIES,
)

SOURCE = Source(name=S, entities=ENTITIES)
