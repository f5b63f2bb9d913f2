{{ ssda903_uasc(years_back=1) }}
