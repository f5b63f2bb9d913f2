from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class CscwTranslator(DagsterDbtTranslator):
    """dbt source <source>.<table> is the raw asset raw/<source>__<table> the ingest assets write."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", f"{dbt_resource_props['source_name']}__{dbt_resource_props['name']}"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # models/<layer>/<area>/x.sql -> "<layer>_<area>"; seeds/reference/x.csv -> "reference"
        return "_".join(dbt_resource_props["fqn"][1:-1][:2]) or None
