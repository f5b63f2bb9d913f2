-- depends_on: {{ ref('stg_placements__files_present') }}
-- (the export reads which placements files the snapshot had: built with the return, never stale)
{{ ssda903_header() }}
