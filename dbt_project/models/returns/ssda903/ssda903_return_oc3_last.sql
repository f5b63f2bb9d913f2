{{ ssda903_oc3(years_back=1) }}
