"""Learning from the user's own decisions (issue 7): features, the stored model, training."""
