"""Plain-pandas ingest: landing contracts, readers and the raw loader (no Dagster imports)."""
