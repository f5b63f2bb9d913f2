{{ ssda903_episodes() }}
