{{ ssda903_missing() }}
