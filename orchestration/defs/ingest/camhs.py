from orchestration.lib.ingest_assets import build_source_assets

raw_camhs = build_source_assets("camhs")
