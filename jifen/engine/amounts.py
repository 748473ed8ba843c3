"""Decimal helpers: reading numbers from JSON-ish values and writing them back as text."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

ZERO = Decimal(0)
HALF = Decimal("0.5")
CENT = Decimal("0.01")

# compute() runs inside this context, so a caller's own decimal settings never change a score.
CONTEXT = Context(
    prec=28, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def to_decimal(value: object) -> Decimal | None:
    """Return `value` as a finite Decimal, or None when it is not a number.

    Accepts what JSON gives (int, str, Decimal when parsed with parse_float=Decimal) and floats via
    their shortest repr, so 1.5 becomes Decimal("1.5") and never a binary approximation.
    Booleans are refused: `true` is not 1 point.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def is_step(value: Decimal) -> bool:
    """Tell whether `value` is a multiple of 0.5 (points move in half-point steps)."""
    return value.is_finite() and value % HALF == 0


def plain(value: Decimal) -> str:
    """Write a number the way people do: 80, 2.5, -3 (no exponent, no trailing zeros)."""
    text = str(value)  # str() first: several times faster than normalize() and format()
    if "E" in text:
        text = f"{value.normalize():f}"
    elif "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def cents(value: Decimal) -> str:
    """Write a number with exactly two decimals, as every score in a result is written."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rounded if rounded else abs(rounded):f}"  # never "-0.00"


def signed(value: Decimal) -> str:
    """Write a number with its sign, for explanations: +3, -2, 0."""
    text = plain(value)
    return text if value <= 0 else "+" + text
