{{ ssda903_episodes(years_back=1) }}
