"""All signals; importing this package registers every built-in signal in REGISTRY."""

from kontaktfilter.signals import behaviour, personal, phrases, profile, templates  # noqa: F401
from kontaktfilter.signals.registry import REGISTRY, Signal

__all__ = ["REGISTRY", "Signal"]
