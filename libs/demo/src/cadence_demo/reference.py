"""Geography of the demo reseller: countries, territories, currencies and rough FX rates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    territories: tuple[str, ...]  # sales territories the country is split into
    language: str  # picks word lists for company and person names
    legal_forms: tuple[str, ...]  # first entry is the most common
    calling_code: str
    cities: tuple[str, ...]  # regional disambiguators for company names
    weight: float  # share of the demo customer base


COUNTRIES: tuple[Country, ...] = (
    Country("US", "USD", ("NA-East", "NA-West", "NA-Central"), "en", ("Inc.", "LLC", "Corp."),
            "1", ("Boston", "Denver", "Austin", "Portland", "Atlanta", "Columbus"), 30),
    Country("CA", "CAD", ("NA-Canada",), "en", ("Inc.", "Ltd."), "1",
            ("Toronto", "Calgary", "Ottawa", "Halifax"), 4),
    Country("GB", "GBP", ("EMEA-UK",), "en", ("Ltd", "plc", "LLP"), "44",
            ("Leeds", "Bristol", "Glasgow", "York", "Cardiff", "Norwich"), 11),
    Country("IE", "EUR", ("EMEA-UK",), "en", ("Ltd", "DAC"), "353", ("Cork", "Galway"), 2),
    Country("DE", "EUR", ("EMEA-DACH",), "de", ("GmbH", "AG", "GmbH & Co. KG"), "49",
            ("Hamburg", "Bremen", "Kassel", "Ulm", "Leipzig", "Freiburg"), 11),
    Country("AT", "EUR", ("EMEA-DACH",), "de", ("GmbH", "AG"), "43", ("Graz", "Linz"), 2),
    Country("CH", "CHF", ("EMEA-DACH",), "de", ("AG", "GmbH", "SA"), "41",
            ("Basel", "Bern", "Luzern"), 3),
    Country("FR", "EUR", ("EMEA-France",), "fr", ("SAS", "SA", "SARL"), "33",
            ("Lyon", "Nantes", "Lille", "Rennes"), 5),
    Country("NL", "EUR", ("EMEA-Benelux",), "nl", ("B.V.", "N.V."), "31",
            ("Utrecht", "Eindhoven", "Delft"), 4),
    Country("BE", "EUR", ("EMEA-Benelux",), "nl", ("BV", "NV", "SRL"), "32",
            ("Gent", "Leuven", "Namur"), 2),
    Country("SE", "SEK", ("EMEA-Nordics",), "nordic", ("AB",), "46",
            ("Malmö", "Uppsala", "Göteborg"), 3),
    Country("NO", "NOK", ("EMEA-Nordics",), "nordic", ("AS", "ASA"), "47",
            ("Bergen", "Trondheim"), 2),
    Country("DK", "DKK", ("EMEA-Nordics",), "nordic", ("A/S", "ApS"), "45",
            ("Aarhus", "Odense"), 2),
    Country("FI", "EUR", ("EMEA-Nordics",), "nordic", ("Oy", "Oyj"), "358",
            ("Tampere", "Turku"), 1.5),
    Country("ES", "EUR", ("EMEA-South",), "south", ("S.L.", "S.A."), "34",
            ("Valencia", "Bilbao", "Sevilla"), 3),
    Country("IT", "EUR", ("EMEA-South",), "south", ("S.r.l.", "S.p.A."), "39",
            ("Torino", "Bologna", "Verona"), 3),
    Country("AU", "AUD", ("APAC-ANZ",), "en", ("Pty Ltd",), "61",
            ("Brisbane", "Perth", "Adelaide", "Hobart"), 4),
    Country("NZ", "NZD", ("APAC-ANZ",), "en", ("Ltd",), "64", ("Wellington", "Dunedin"), 1),
    Country("JP", "JPY", ("APAC-Japan",), "ja", ("K.K.", "Co., Ltd."), "81",
            ("Osaka", "Nagoya", "Fukuoka"), 3),
    Country("SG", "SGD", ("APAC-SEA",), "en", ("Pte. Ltd.",), "65", ("Jurong", "Changi"), 2),
)

# Units of currency per 1 USD. APPROXIMATE fixed rates (order of magnitude of 2025-2026 market
# rates), only so that demo ARR looks plausible in each account currency. Never use them for
# money that matters.
APPROX_FX_PER_USD: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "CHF": 0.88,
    "CAD": 1.37,
    "AUD": 1.52,
    "NZD": 1.66,
    "JPY": 150.0,
    "SEK": 10.6,
    "NOK": 10.8,
    "DKK": 6.9,
    "SGD": 1.34,
}

# Currencies quoted without minor units: ARR is rounded to whole units (still printed .00).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})
