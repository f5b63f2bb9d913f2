from orchestration.lib.ingest_assets import build_source_assets

raw_cin_census = build_source_assets("cin_census")
