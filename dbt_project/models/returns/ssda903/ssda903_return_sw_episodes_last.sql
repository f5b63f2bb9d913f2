{{ ssda903_sw_episodes(years_back=1) }}
