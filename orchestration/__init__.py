"""Dagster code location and the cscw command line."""
