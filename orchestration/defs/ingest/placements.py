from orchestration.lib.ingest_assets import build_source_assets

raw_placements = build_source_assets("placements")
