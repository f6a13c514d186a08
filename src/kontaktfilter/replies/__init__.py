"""Reply drafts in German and English for every action."""
