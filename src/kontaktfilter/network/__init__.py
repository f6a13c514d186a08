"""The network sweep (issue 23): a PySpark job over a whole network's requests and events that
scores every request with the engine, finds template clusters across all senders, builds
per-sender features and exports fingerprints. Runs in local mode on one machine and unchanged on
a cluster; PySpark is the optional extra `spark` and is imported only by this package."""

STAGES = ("score", "templates", "features", "fingerprints")
"""The stages after reading, in the order they run; requests are always read and checked."""
