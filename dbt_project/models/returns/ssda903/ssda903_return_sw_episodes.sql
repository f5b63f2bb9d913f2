{{ ssda903_sw_episodes() }}
