"""Request and verdict records as data: reading request files, verdicts as dicts."""
