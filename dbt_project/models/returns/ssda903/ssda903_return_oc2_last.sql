{{ ssda903_oc2(years_back=1) }}
