{{ ssda903_dolo() }}
