{{ ssda903_header(years_back=1) }}
