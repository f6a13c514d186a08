"""Reading a note: normalising, tokens, lexicons, phrase matching."""
