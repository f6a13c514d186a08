"""What the screener does with the engine and the store: the inbox, sweeps, the demo,
the dashboard's figures, the engine factory, the lint of one's own requests, the policy page."""
