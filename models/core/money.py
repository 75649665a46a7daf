"""Money as integers of minor units; one formatter for screens, workbooks and PDFs.

No float ever touches money: text is parsed with ``Decimal`` and rounded once, explicitly.
Kip is kept in whole kip (exponent 0); baht and dollars have exponent 2.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from models.core.errors import UserError
from models.core.i18n import N_


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int
    symbol: str
    symbol_after: bool = True

    @property
    def unit(self) -> int:
        """Minor units in one major unit (1 for kip, 100 for baht)."""
        return 10 ** self.exponent


CURRENCIES: dict[str, Currency] = {
    "LAK": Currency("LAK", 0, "₭"),
    "THB": Currency("THB", 2, "฿", symbol_after=False),
    "USD": Currency("USD", 2, "$", symbol_after=False),
}

ROUNDING_MODES = {"half-even": ROUND_HALF_EVEN, "half-up": ROUND_HALF_UP}

# The largest amount of minor units Kongthun keeps in one place: ten million million kip,
# thousands of times any group's money, yet so far below SQLite's 2**63 that 900,000
# lines of it in one account still sum without overflow. Each group sets its own, lower,
# limit (``ledger.MAX_AMOUNT``).
HARD_MAX_MINOR = 10**13
# Balances (sums of lines) stay within this, so sums over a hundred accounts fit 2**63.
MAX_BALANCE = 10**16


def check_within(minor: int, cur: Currency | None = None, *, limit: int = HARD_MAX_MINOR) -> int:
    """Refuse an amount (minor units) larger than ``limit``, with the limit in the message."""
    if abs(minor) > limit:
        shown = format_money(limit, cur) if cur is not None else f"{limit:,}"
        raise UserError(N_("The amount is too large: at most {limit}."), limit=shown)
    return minor


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except KeyError:
        raise UserError(N_("Unknown currency {code}."), code=code) from None


def rounding(mode: str) -> str:
    try:
        return ROUNDING_MODES[mode]
    except KeyError:
        raise UserError(N_("Unknown rounding mode {mode}."), mode=mode) from None


def round_to_minor(value: Decimal, exponent: int, mode: str = "half-even") -> int:
    """Round a Decimal amount in *minor* units to an int, with the named mode."""
    return int(value.quantize(Decimal(1), rounding=rounding(mode)))


def to_minor(major: Decimal | int | str, cur: Currency, mode: str = "half-even") -> int:
    """Major units (e.g. ``"12.50"`` baht) to minor units, rounding once."""
    try:
        value = Decimal(str(major)) * cur.unit
    except InvalidOperation:
        raise UserError(N_("“{text}” is not an amount."), text=str(major)) from None
    if not value.is_finite():
        raise UserError(N_("“{text}” is not an amount."), text=str(major))
    if abs(value) > HARD_MAX_MINOR:
        check_within(HARD_MAX_MINOR + 1, cur)
    return round_to_minor(value, cur.exponent, mode)


def to_major(minor: int, cur: Currency) -> Decimal:
    return Decimal(minor).scaleb(-cur.exponent)


def parse_money(text: str, cur: Currency, *, allow_negative: bool = False) -> int:
    """Parse what a treasurer types: ``1,250,000``, ``1 250 000``, ``12.50``, ``₭ 500``.

    Refuses more decimals than the currency has (no silent rounding of typed money) and
    amounts beyond ``HARD_MAX_MINOR``."""
    cleaned = (text or "").strip()
    for ch in (cur.symbol, "₭", ",", " ", "\u00a0", "_", cur.code):
        cleaned = cleaned.replace(ch, "")
    if not cleaned:
        raise UserError(N_("Enter an amount."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise UserError(N_("“{text}” is not an amount."), text=text.strip()) from None
    if not value.is_finite():
        raise UserError(N_("“{text}” is not an amount."), text=text.strip())
    if value < 0 and not allow_negative:
        raise UserError(N_("The amount cannot be negative."))
    minor = value.scaleb(cur.exponent)
    if abs(minor) > HARD_MAX_MINOR:  # before int(): "1e999999" would take very long
        check_within(HARD_MAX_MINOR + 1, cur)
    if minor != minor.to_integral_value():
        if not cur.code:  # a currency known only by its decimals (``loan-schedule``)
            raise UserError(N_("Amounts have at most {decimals} decimals."),
                            decimals=cur.exponent)
        raise UserError(N_("{currency} amounts have at most {decimals} decimals."),
                        currency=cur.code, decimals=cur.exponent)
    return int(minor)


def format_amount(minor: int, cur: Currency) -> str:
    """``1250000`` → ``1,250,000``; ``1250`` baht-satang → ``12.50``; no symbol."""
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), cur.unit)
    text = f"{whole:,}"
    if cur.exponent:
        text += f".{frac:0{cur.exponent}d}"
    return sign + text


def format_money_range(low: int, high: int, cur: Currency) -> str:
    """``10,000–50,000 ₭`` / ``฿10.00–50.00``: the symbol once, where the currency writes it."""
    if cur.symbol_after:
        return f"{format_amount(low, cur)}–{format_money(high, cur)}"
    return f"{format_money(low, cur)}–{format_amount(high, cur)}"


def format_money(minor: int, cur: Currency) -> str:
    """``1,250,000 ₭`` / ``฿12.50``: the one money format of screens, workbooks and PDFs."""
    return _with_symbol(format_amount(minor, cur), cur)


# A value that is not a whole number of minor units (the value of one share: the fund
# divided by the shares) is shown with this many decimals past the currency's own.
FRACTION_PLACES = 2


def fraction_to_major(minor: Decimal, cur: Currency) -> Decimal:
    """An amount of minor units that need not be whole, in major units rounded (half to
    even) to ``FRACTION_PLACES`` decimals past the currency's own: 1051.6129 kip → 1051.61."""
    places = cur.exponent + FRACTION_PLACES
    return (Decimal(minor).scaleb(-cur.exponent)
            .quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def format_fraction(minor: Decimal, cur: Currency) -> str:
    """``1,051.61 ₭`` / ``฿10.5161``: an amount that need not be whole minor units (the value
    of one share), in the one money format with two more decimals."""
    major = fraction_to_major(minor, cur)
    sign = "-" if major < 0 else ""
    return _with_symbol(f"{sign}{abs(major):,.{cur.exponent + FRACTION_PLACES}f}", cur)


def _with_symbol(amount: str, cur: Currency) -> str:
    if cur.symbol_after:
        return f"{amount} {cur.symbol}"
    if amount.startswith("-"):
        return f"-{cur.symbol}{amount[1:]}"
    return f"{cur.symbol}{amount}"
