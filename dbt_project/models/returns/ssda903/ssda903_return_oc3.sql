{{ ssda903_oc3() }}
