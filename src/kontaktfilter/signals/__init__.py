"""All signals; importing this package registers every built-in signal in REGISTRY."""

from kontaktfilter.signals import (  # noqa: F401
    behaviour,
    corpus,
    learned,
    personal,
    phrases,
    profile,
    references,
    salutation,
    templates,
)
from kontaktfilter.signals.registry import PREPARERS, REGISTRY, Signal

__all__ = ["PREPARERS", "REGISTRY", "Signal"]
