"""One hierarchy for everything the library refuses, so callers catch one base class.

The CLI turns these into a one-line message and a non-zero exit; the service maps them to
HTTP statuses at its edge. Messages name the file, line or label at fault.
"""


class TaggerError(Exception):
    """Base class of every error the library raises on purpose."""


class DataError(TaggerError):
    """Labelled or unlabelled input that cannot be used as given."""


class OptionError(DataError, ValueError):
    """A tagging option outside its documented range (top_k, threshold, depth)."""


class TaxonomyError(TaggerError):
    """A taxonomy file that is malformed, or a label that is not in it."""


class ModelError(TaggerError):
    """A model that cannot be trained, found, loaded or published."""


class ModelVerificationError(ModelError):
    """A model directory whose files or library versions do not match its manifest."""
