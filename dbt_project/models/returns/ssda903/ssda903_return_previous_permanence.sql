{{ ssda903_previous_permanence() }}
