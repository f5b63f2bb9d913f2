{{ ssda903_ad1() }}
