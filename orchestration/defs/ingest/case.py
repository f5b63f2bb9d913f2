from orchestration.lib.ingest_assets import build_source_assets

raw_case = build_source_assets("case")
