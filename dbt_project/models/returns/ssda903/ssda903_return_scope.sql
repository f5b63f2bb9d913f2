{#- The SSDA903 year (var ssda903_year, else the latest year the placements extract has passed) and whether the
    placements extract covers all of it. -#}
{{ return_scope(ssda903_collection(), 'stg_placements__episodes') }}
