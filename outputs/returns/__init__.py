"""Statutory returns: each exported from its dbt models (models/returns/<return>/), checked by the DfE's own rules."""
