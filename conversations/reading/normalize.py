"""Normalise what users type before any reading."""

from __future__ import annotations

# Full-width forms typed on Chinese keyboards. The mapping is 1:1 so match offsets found in
# the normalised text are valid in the original text too.
_FULLWIDTH = str.maketrans("０１２３４５６７８９：／－．　", "0123456789:/-. ")


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, keeping every character's offset."""
    return text.translate(_FULLWIDTH)
