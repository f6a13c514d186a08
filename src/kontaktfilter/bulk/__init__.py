"""Bulk detection: the same template from many senders (seeds 000 and 001)."""

from kontaktfilter.bulk.index import Cluster, Match, TemplateIndex
from kontaktfilter.bulk.index_file import IndexFileError, load_index, save_index
from kontaktfilter.bulk.normalise import normalise_for_template, template_tokens

__all__ = [
    "Cluster",
    "IndexFileError",
    "Match",
    "TemplateIndex",
    "load_index",
    "normalise_for_template",
    "save_index",
    "template_tokens",
]
