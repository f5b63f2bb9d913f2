from orchestration.lib.ingest_assets import build_source_assets

raw_reference = build_source_assets("reference")
