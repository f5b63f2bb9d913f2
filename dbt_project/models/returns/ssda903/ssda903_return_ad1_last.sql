{{ ssda903_ad1(years_back=1) }}
