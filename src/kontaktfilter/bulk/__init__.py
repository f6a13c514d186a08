"""Bulk detection: the same template from many senders (seeds 000 and 001)."""

from kontaktfilter.bulk.index import Cluster, IndexFileError, Match, TemplateIndex
from kontaktfilter.bulk.normalise import normalise_for_template, template_tokens

__all__ = [
    "Cluster",
    "IndexFileError",
    "Match",
    "TemplateIndex",
    "normalise_for_template",
    "template_tokens",
]
