"""The DfE SSDA903 CSV layout, full history. Column names stay the DfE's in landing; raw lower-cases them."""

from ingest.contracts import Entity, Source, col

S = "placements"
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
)

SOURCE = Source(name=S, entities=ENTITIES)
