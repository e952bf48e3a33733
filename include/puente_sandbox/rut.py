"""Chilean RUT helpers: check digit (módulo 11), formatting and parsing.

The order generator needs valid RUTs for facturas, and Facto rejects a ``receptor_rut`` that is
not ``NNNNNNNN-X`` (no dots, dash, valid check digit). Shoppers type RUTs in every style
(``76.543.210-3``, ``76543210-3``, ``765432103``), so hooks must normalise them; ``normalize``
is what a careful hook would do and what the sandboxes use to compare.
"""

from __future__ import annotations

import re

_WEIGHTS = (2, 3, 4, 5, 6, 7)
_STRICT = re.compile(r"^(\d{7,8})-([\dK])$")


def check_digit(body: int) -> str:
    """SII módulo-11 check digit of the numeric part: ``"0"``-``"9"`` or ``"K"``."""
    total = 0
    for index, digit in enumerate(reversed(str(body))):
        total += int(digit) * _WEIGHTS[index % len(_WEIGHTS)]
    remainder = 11 - total % 11
    return "0" if remainder == 11 else "K" if remainder == 10 else str(remainder)


def plain(body: int) -> str:
    """``76543210-3``: the form Facto and Bsale document (no dots, with dash)."""
    return f"{body}-{check_digit(body)}"


def dotted(body: int) -> str:
    """``76.543.210-3``: how RUTs are usually printed and often typed at checkout."""
    return f"{body:,}".replace(",", ".") + f"-{check_digit(body)}"


def normalize(raw: str) -> str | None:
    """Any common spelling -> ``NNNNNNNN-X`` if the check digit is right, else None."""
    cleaned = re.sub(r"[.\s]", "", raw or "").upper()
    if "-" not in cleaned and len(cleaned) >= 8:
        cleaned = f"{cleaned[:-1]}-{cleaned[-1]}"
    match = _STRICT.match(cleaned)
    if match is None or check_digit(int(match.group(1))) != match.group(2):
        return None
    return cleaned


def is_strict_valid(value: str) -> bool:
    """True only for the documented ``NNNNNNNN-X`` form with a correct check digit."""
    match = _STRICT.match(value or "")
    return match is not None and check_digit(int(match.group(1))) == match.group(2)
