"""Statutory returns: each exported from its dbt models (models/returns/<return>/), checked by the DfE's own rules.

Each return is a package here (outputs/returns/<name>/) with a RETURN (outputs/returns/base.py): adding
one is adding its folder, and the asset factory and `cscw return` find it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outputs.returns.base import StatutoryReturn


def names() -> list[str]:
    """The returns by their folders, without importing them (the CLI's choices stay cheap to build)."""
    return sorted(module.name for module in pkgutil.iter_modules(__path__) if module.ispkg)


def load(name: str) -> StatutoryReturn:
    return importlib.import_module(f"{__name__}.{name}").RETURN


def discover() -> dict[str, StatutoryReturn]:
    return {name: load(name) for name in names()}
