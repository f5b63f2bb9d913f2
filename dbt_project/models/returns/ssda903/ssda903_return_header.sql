{{ ssda903_header() }}
