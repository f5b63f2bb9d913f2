{{ ssda903_placed_for_adoption(years_back=1) }}
