"""Masking and pseudonymisation of personal data, by the profiles of spec/privacy.yaml.

``mask_message(src, dst, "share")`` writes a copy of a message (any format, streaming, atomic) whose
personal values — the elements the spec marks ``personal_data`` — are masked by the conventions people
expect (``110105********002X``, ``张*``, ``138****1234``), hidden (``publish``) or replaced by keyed HMAC
pseudonyms (``pseudonymise``) so masked data sets stay joinable; the header declares the profile.
``mask_value`` masks one value; :mod:`sedata.privacy.shapes` tells a validator what a masked value looks like.
"""

from sedata.privacy.errors import PrivacyError
from sedata.privacy.message import Masker, MaskSummary, mask_message
from sedata.privacy.shapes import is_pseudonym, leaks, masked_ok, masked_shapes
from sedata.privacy.values import mask_value, pseudonym, redact

__all__ = [
    "MaskSummary",
    "Masker",
    "PrivacyError",
    "is_pseudonym",
    "leaks",
    "mask_message",
    "mask_value",
    "masked_ok",
    "masked_shapes",
    "pseudonym",
    "redact",
]
