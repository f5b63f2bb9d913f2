{{ ssda903_dolo(years_back=1) }}
