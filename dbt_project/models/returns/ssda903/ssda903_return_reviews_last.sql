{{ ssda903_reviews(years_back=1) }}
