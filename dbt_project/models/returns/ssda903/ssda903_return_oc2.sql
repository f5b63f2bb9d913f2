{{ ssda903_oc2() }}
