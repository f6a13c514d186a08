"""Turns signal hits into a score, a category and an action."""
