{{ ssda903_placed_for_adoption() }}
