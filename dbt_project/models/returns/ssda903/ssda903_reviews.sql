{{ ssda903_reviews() }}
