"""What the warehouse publishes: statutory returns (`returns/`), the committee report (`report/`)."""
