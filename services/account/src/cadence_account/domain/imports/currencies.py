"""ISO 4217 alphabetic codes and the currency markers people type next to amounts.

An explicit table rather than a dependency: the parser must give the same answer everywhere,
and a code we do not know should be an import error, not a silently stored typo. The accepted
codes are the currencies of ISO 4217 Table A.1 (2025 edition), the same set the account
domain validates against (domain/currencies.py), so an import that parses also persists.
"""

from __future__ import annotations

from .errors import BadValue

ISO_4217_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
    KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN
    MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD
    SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()
)

# Also in Table A.1 but not money anyone is billed in: funds, precious metals, units of
# account and the testing/no-currency codes. Named separately for a precise message.
NON_BILLING_CODES: frozenset[str] = frozenset(
    """
    BOV CHE CHW CLF COU MXV USN UYI UYW XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX
    """.split()
)

# Withdrawn codes still found in old CRM records: name the successor so the user knows what
# to convert to instead of just "unknown".
WITHDRAWN_CODES: dict[str, str] = {
    "ANG": "XCG",
    "ATS": "EUR",
    "BEF": "EUR",
    "BYR": "BYN",
    "CUC": "CUP",
    "CYP": "EUR",
    "DEM": "EUR",
    "EEK": "EUR",
    "ESP": "EUR",
    "FIM": "EUR",
    "FRF": "EUR",
    "GRD": "EUR",
    "HRK": "EUR",
    "IEP": "EUR",
    "ITL": "EUR",
    "LTL": "EUR",
    "LUF": "EUR",
    "LVL": "EUR",
    "MRO": "MRU",
    "MTL": "EUR",
    "NLG": "EUR",
    "PTE": "EUR",
    "SIT": "EUR",
    "SKK": "EUR",
    "SLL": "SLE",
    "STD": "STN",
    "VEF": "VES",
    "ZWL": "ZWG",
}

_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"})

# Symbols and local abbreviations as they appear in spreadsheets. A symbol shared by several
# currencies maps to all of them: it can confirm a currency column but never choose one.
CURRENCY_SYMBOLS: dict[str, frozenset[str]] = {
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "$": _DOLLARS,
    "US$": frozenset({"USD"}),
    "C$": frozenset({"CAD"}),
    "CA$": frozenset({"CAD"}),
    "A$": frozenset({"AUD"}),
    "AU$": frozenset({"AUD"}),
    "NZ$": frozenset({"NZD"}),
    "S$": frozenset({"SGD"}),
    "HK$": frozenset({"HKD"}),
    "MX$": frozenset({"MXN"}),
    "R$": frozenset({"BRL"}),
    "¥": frozenset({"JPY", "CNY"}),
    "￥": frozenset({"JPY", "CNY"}),
    "₹": frozenset({"INR"}),
    "₩": frozenset({"KRW"}),
    "₽": frozenset({"RUB"}),
    "₺": frozenset({"TRY"}),
    "₪": frozenset({"ILS"}),
    "₫": frozenset({"VND"}),
    "฿": frozenset({"THB"}),
    "₱": frozenset({"PHP"}),
    "zł": frozenset({"PLN"}),
    "kč": frozenset({"CZK"}),
    "ft": frozenset({"HUF"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "kr.": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "fr.": frozenset({"CHF"}),
    "sfr.": frozenset({"CHF"}),
    "lei": frozenset({"RON"}),
}
_FOLDED_SYMBOLS = {key.casefold(): codes for key, codes in CURRENCY_SYMBOLS.items()}


class UnknownCurrency(BadValue):
    pass


def normalize_currency(text: str) -> str:
    """Return the upper-case ISO code, or raise UnknownCurrency with a user-facing reason."""
    code = text.strip().upper()
    if code in ISO_4217_CODES:
        return code
    if code in NON_BILLING_CODES:
        raise UnknownCurrency(f"'{text.strip()}' is an ISO 4217 fund or special code, not a currency")
    if code in WITHDRAWN_CODES:
        raise UnknownCurrency(
            f"withdrawn currency '{text.strip()}' (replaced by {WITHDRAWN_CODES[code]}); convert the amount"
        )
    raise UnknownCurrency(f"unknown currency '{text.strip()}'")


def currencies_for_marker(marker: str) -> frozenset[str]:
    """Codes an amount's marker ("€", "EUR", "kr") can stand for; raises for unknown markers."""
    codes = CURRENCY_SYMBOLS.get(marker) or _FOLDED_SYMBOLS.get(marker.casefold())
    if codes is not None:
        return codes
    if len(marker) == 3 and marker.isascii() and marker.isalpha():
        return frozenset({normalize_currency(marker)})
    raise UnknownCurrency(f"unknown currency marker '{marker}'")
