"""dbt's `adapter` for sqlfluff's jinja templater (.sqlfluff library_path), so the models lint without dbt.

sqlfluff's dbt builtins stop at ref, source, var and config; the project's macros (dbt_project/macros)
dispatch per engine. This renders what dbt would on DuckDB, the default target, from the same macros.
"""

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, name: str, macro_namespace: str | None = None) -> Any:
    # dbt's own order for the duckdb adapter: duckdb__<name>, then default__<name>.
    for candidate in (f"duckdb__{name}", f"default__{name}"):
        macro = context.resolve_or_missing(candidate)
        if callable(macro):
            return macro
    raise LookupError(f"no duckdb__ or default__ macro for adapter.dispatch({name!r})")


def get_columns_in_relation(relation: Any) -> list[Any]:
    # No warehouse to ask: a model that lists its input's columns lints with none of them.
    return []


def quote(identifier: str) -> str:
    return f'"{identifier}"'
