"""Invented company and person names, e-mail addresses, domains and phone numbers.

Company names are "<brand> <industry> <legal form>" (e.g. "Nordlicht Logistik GmbH") where the
brand is a made-up compound. Domains sit under example.com (RFC 2606) so nothing can ever
resolve to a real company.
"""

from __future__ import annotations

import random
import unicodedata
from functools import lru_cache

from cadence_demo.reference import Country

_BRAND_HEADS = {
    "en": ("Blue", "Silver", "Oak", "Stone", "Iron", "Red", "Green", "West", "East", "North",
           "Bright", "High", "Clear", "Deep", "Sun", "Moon", "Star", "Fair", "Gold", "Ash", "Elm",
           "Maple", "Pine", "Cedar", "Willow", "Ever", "Swift", "Crown", "King", "River", "Lake",
           "Sea", "Storm", "Frost", "Amber", "Copper", "Granite", "Hazel", "Holly", "Ivy",
           "Juniper", "Lark", "Linden", "Meadow", "Mill", "Noble", "Orchard", "Pearl", "Raven",
           "Rose", "Sage", "Summit", "Thorn", "Wild", "Wolf", "Wren", "Alder", "Birch",
           "Clover", "Crystal", "Dawn", "Eagle", "Falcon", "Fern", "Fox", "Heron", "Kestrel",
           "Lion", "Marsh", "Oaken"),
    "de": ("Nord", "Süd", "Ost", "West", "Alpen", "Rhein", "Elb", "Main", "Donau", "Berg",
           "Wald", "Sonnen", "Stern", "Falken", "Adler", "Eichen", "Linden", "Blau", "Gold",
           "Silber", "Hoch", "Eisen", "Kupfer", "Fels", "See", "Birken", "Tannen", "Morgen",
           "Weiß", "Grün", "Bären", "Hirsch", "Wolfs", "Kranich", "Schwan", "Lerchen", "Mühl",
           "Brunnen", "Hafen", "Kron", "Licht", "Quell", "Rosen", "Ahorn"),
}
_BRAND_TAILS = {
    "en": ("bay", "field", "brook", "gate", "stone", "ridge", "wood", "haven", "mark", "point",
           "crest", "vale", "wick", "ford", "stead", "mere", "water", "port", "bridge", "moor",
           "hill", "cliff", "dale", "shore", "light", "well", "side", "view", "line", "stream",
           "fall", "glen", "holm", "hurst", "ley", "ton", "worth", "combe", "den", "fort",
           "land", "way", "wind", "spire", "cove"),
    "de": ("licht", "feld", "stein", "haus", "werk", "bach", "brück", "hof", "mark", "burg",
           "tor", "quell", "blick", "ring", "grund", "au", "hain", "born", "eck", "heim",
           "horn", "kamp", "land", "see", "tal", "wald", "weg", "wiese", "berg", "stadt"),
}
_INDUSTRIES = {
    "en": ("Logistics", "Harbour", "Engineering", "Foods", "Pharma", "Retail", "Capital",
           "Partners", "Systems", "Health", "Energy", "Freight", "Insurance", "Manufacturing",
           "Labs", "Media", "Construction", "Analytics", "Hospitality", "Textiles", "Marine",
           "Aerospace", "Robotics", "Water", "Brewing", "Legal", "Consulting", "Dental",
           "Clinics", "Architects", "Motors", "Plastics", "Packaging", "Print", "Software",
           "Telecom", "Utilities", "Farms", "Timber", "Steel", "Chemicals", "Biotech",
           "Holdings", "Travel", "Education", "Studios", "Electric", "Medical", "Mining",
           "Properties", "Security", "Transport"),
    "de": ("Logistik", "Maschinenbau", "Systemtechnik", "Versicherung", "Bau", "Energie",
           "Medizintechnik", "Handel", "Consulting", "Immobilien", "Lebensmittel", "Automotive",
           "Pharma", "Elektrotechnik", "Verpackung", "Spedition", "Holzbau", "Stahlbau",
           "Kliniken", "Brauerei", "Druck", "Kunststoffe", "Software", "Anlagenbau",
           "Feinmechanik", "Optik", "Chemie", "Textil", "Möbel", "Reisen", "Finanz", "Beratung",
           "Gebäudetechnik", "Umwelttechnik", "Agrar", "Medien", "Recycling", "Werkzeugbau",
           "Antriebstechnik", "Sicherheitstechnik"),
}
_PEOPLE = {
    "en": (("James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace",
            "Owen", "Chloe", "Aiden", "Priya", "Samuel", "Hannah", "Daniel", "Zoe", "Ryan",
            "Nina"),
           ("Smith", "Carter", "Hughes", "Bennett", "Patel", "Walsh", "Murphy", "Reid", "Turner",
            "Brooks", "Clarke", "Foster", "Hayes", "Morgan", "Price", "Russell", "Shaw", "Wood",
            "Khan", "Ellis")),
    "de": (("Anna", "Lukas", "Lea", "Felix", "Sophie", "Jonas", "Marie", "Paul", "Laura",
            "Tobias", "Julia", "Stefan", "Katrin", "Jan", "Sabine", "Matthias", "Miriam",
            "Florian", "Petra", "Jürgen"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Koch",
            "Richter", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Krüger", "Hartmann",
            "Lange", "Vogel", "Brandt", "Keller", "Huber")),
    "fr": (("Camille", "Louis", "Chloé", "Hugo", "Léa", "Jules", "Manon", "Arthur", "Inès",
            "Théo", "Sarah", "Nicolas"),
           ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Girard", "Lefèvre", "Roux",
            "Fontaine", "Mercier", "Faure", "Blanc")),
    "nl": (("Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Bram", "Fleur", "Thijs", "Eva",
            "Ruben", "Lotte"),
           ("de Jong", "Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder",
            "Peeters", "Maes", "Claes", "Willems")),
    "nordic": (("Erik", "Ingrid", "Lars", "Astrid", "Mikael", "Sofia", "Henrik", "Freja",
                "Nils", "Maja", "Jukka", "Aino"),
               ("Andersson", "Johansson", "Hansen", "Nielsen", "Larsen", "Berg", "Lindqvist",
                "Virtanen", "Korhonen", "Dahl", "Holm", "Eriksen")),
    "south": (("Marco", "Giulia", "Luca", "Chiara", "Javier", "Lucía", "Pablo", "Elena",
               "Andrea", "Sofía", "Matteo", "Carmen"),
              ("Rossi", "Bianchi", "Romano", "Esposito", "García", "Fernández", "López",
               "Martínez", "Ricci", "Moreno", "Colombo", "Navarro")),
    "ja": (("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takumi", "Sakura", "Kenji",
            "Yuki", "Daiki", "Mei"),
           ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
            "Kobayashi", "Kato", "Yoshida", "Yamada")),
}
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                       "Ü": "Ue"})


@lru_cache(maxsize=16384)  # inputs come from small word lists: the cache hits nearly always
def ascii_slug(text: str) -> str:
    """"Süd Möbel & Co." → "suedmoebelco": lowercase ASCII letters and digits only."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in folded.lower() if ch.isascii() and ch.isalnum())


class CompanyNamer:
    """Hands out company names and domains that are unique across the whole portfolio.

    Holds one set of base names and one of domain labels (~100 bytes per account), which is
    the only state kept across accounts: uniqueness cannot be checked any cheaper.
    """

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._domains: set[str] = set()
        self._next_number: dict[str, int] = {}

    def company(self, rng: random.Random, country: Country) -> tuple[str, str]:
        """Return (display name with legal form, domain under example.com)."""
        lang = country.language if country.language in _BRAND_HEADS else "en"
        for _ in range(4):  # a fresh draw is the most natural way to avoid a collision
            brand, industry = self._draw(rng, lang)
            base = f"{brand} {industry}"
            if base not in self._names:
                break
        else:
            base = self._disambiguate(rng, base, country)
        self._names.add(base)
        legal = country.legal_forms[0] if rng.random() < 0.6 else rng.choice(country.legal_forms)
        return f"{base} {legal}", self._domain(brand, base)

    @staticmethod
    def _draw(rng: random.Random, lang: str) -> tuple[str, str]:
        head = rng.choice(_BRAND_HEADS[lang])
        tails = _BRAND_TAILS[lang]
        tail = rng.choice(tails)
        if head.lower().endswith(tail):  # "Seesee", "Lichtlicht": take the next tail instead
            tail = tails[(tails.index(tail) + 1) % len(tails)]
        return head + tail, rng.choice(_INDUSTRIES[lang])

    def _disambiguate(self, rng: random.Random, base: str, country: Country) -> str:
        regional = f"{base} {rng.choice(country.cities)}"
        if regional not in self._names:
            return regional
        number = self._next_number.get(base, 2)
        while f"{base} {number}" in self._names:
            number += 1
        self._next_number[base] = number + 1
        return f"{base} {number}"

    def _domain(self, brand: str, base: str) -> str:
        # Short brand-only domain while it is free, else the full base name, like real firms.
        for label in (ascii_slug(brand), _dashed(base)):
            if label not in self._domains:
                self._domains.add(label)
                return f"{label}.example.com"
        label, n = _dashed(base), 2
        while f"{label}-{n}" in self._domains:
            n += 1
        self._domains.add(f"{label}-{n}")
        return f"{label}-{n}.example.com"


def _dashed(text: str) -> str:
    return "-".join(filter(None, (ascii_slug(word) for word in text.split())))


def person(rng: random.Random, language: str) -> tuple[str, str]:
    firsts, lasts = _PEOPLE.get(language, _PEOPLE["en"])
    return rng.choice(firsts), rng.choice(lasts)


def email_local(first: str, last: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}"


def phone(rng: random.Random, country: Country) -> str:
    # North America and the UK have number ranges reserved for fiction; elsewhere a "555"
    # block keeps numbers recognisably fake.
    if country.calling_code == "1":
        return f"+1 {rng.randint(201, 989)} 555 01{rng.randint(0, 99):02d}"
    if country.code == "GB":
        return f"+44 20 7946 0{rng.randint(0, 999):03d}"
    return f"+{country.calling_code} 555 {rng.randint(100000, 999999)}"
