{{ ssda903_missing(years_back=1) }}
