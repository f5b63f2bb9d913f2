from orchestration.lib.ingest_assets import build_source_assets

raw_finance = build_source_assets("finance")
