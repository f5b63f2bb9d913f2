{{ ssda903_previous_permanence(years_back=1) }}
