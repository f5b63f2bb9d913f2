{{ ssda903_uasc() }}
