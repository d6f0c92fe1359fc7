"""统一社会信用代码 (unified social credit code) validation, GB 32100-2015."""

from __future__ import annotations

# The 31 characters the code uses (no I, O, S, V, Z) and the weights of the first 17.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise(text: str) -> str:
    """Upper case, spaces and dashes removed, full-width characters folded."""
    folded = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text.strip()
    )
    return folded.upper().replace(" ", "").replace("-", "")


def is_valid(code: str) -> bool:
    """Whether an 18-character code has the right characters and check digit."""
    if len(code) != 18 or any(c not in _ALPHABET for c in code):
        return False
    total = sum(_ALPHABET.index(c) * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31] == code[17]
