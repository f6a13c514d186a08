"""kontaktfilter: screens contact requests in business networks."""
