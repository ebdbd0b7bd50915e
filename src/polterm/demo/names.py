"""Generated people: given names, syllable-built family names, fictional phones and emails.

Nobody here is a real person: family names are stitched from syllables, phones are in the
555-0100..0199 range reserved for fiction, emails are at example.org.
"""

from __future__ import annotations

import random

GIVEN = [
    "Ava",
    "Liam",
    "Noah",
    "Emma",
    "Mia",
    "Lucas",
    "Sofia",
    "Mateo",
    "Isabella",
    "Ethan",
    "Amelia",
    "Leo",
    "Chloe",
    "Owen",
    "Harper",
    "Eli",
    "Aria",
    "Caleb",
    "Nora",
    "Ezra",
    "Layla",
    "Miles",
    "Zoe",
    "Jonah",
    "Lily",
    "Adrian",
    "Maya",
    "Julian",
    "Ruby",
    "Isaac",
    "Hazel",
    "Levi",
    "Camila",
    "Diego",
    "Valentina",
    "Rafael",
    "Lucia",
    "Thiago",
    "Beatriz",
    "Joao",
    "Ana",
    "Wei",
    "Mei",
    "Jun",
    "Lin",
    "Hao",
    "Yan",
    "Jean",
    "Marie",
    "Widler",
    "Nadege",
    "Samuel",
    "Esther",
    "Omar",
    "Layan",
    "Yusuf",
    "Amira",
    "Karim",
    "Salma",
    "Priya",
    "Arjun",
    "Daniel",
    "Grace",
    "Henry",
    "Clara",
    "Felix",
    "Iris",
    "Hugo",
    "Alice",
    "Oscar",
    "June",
    "Theo",
    "Rose",
    "Max",
    "Eva",
    "Sam",
    "Nina",
]
FIRST = (
    "Bel",
    "Car",
    "Dal",
    "Fen",
    "Gar",
    "Hal",
    "Kel",
    "Lin",
    "Mar",
    "Nor",
    "Pem",
    "Ros",
    "Sal",
    "Tor",
    "Val",
    "Wes",
    "Ash",
    "Brom",
    "Cor",
    "Dun",
    "El",
    "Fair",
    "Gil",
    "Hart",
)
MIDDLE = ("", "", "", "a", "e", "i", "o", "er", "en", "in")
LAST = (
    "ton",
    "ford",
    "well",
    "ley",
    "by",
    "wick",
    "dale",
    "more",
    "field",
    "stead",
    "worth",
    "brook",
    "wood",
    "ham",
    "cott",
    "ridge",
    "land",
    "shaw",
    "mont",
    "ville",
)
STREETS = ("Elm", "Maple", "Oak", "Cedar", "Birch", "Willow", "Pine", "Chestnut", "Spruce")


def given(rng: random.Random) -> str:
    return rng.choice(GIVEN)


def family(rng: random.Random) -> str:
    """A family name built from syllables, e.g. 'Marenford'."""
    return rng.choice(FIRST) + rng.choice(MIDDLE) + rng.choice(LAST)


def phone(rng: random.Random) -> str:
    """A number in the 555-01xx range set aside for fiction."""
    return f"(860) 555-01{rng.randrange(100):02d}"


def email(first: str, last: str, n: int) -> str:
    return f"{first.lower()}.{last.lower()}{n}@example.org"


def school_name(rng: random.Random, level: str, used: set[str]) -> str:
    """A school named after a made-up street or family, unique in the district."""
    suffix = {"elementary": "Elementary School", "middle": "Middle School", "high": "High School"}
    while True:
        base = rng.choice(STREETS + (family(rng),) * 2)
        name = f"{base} {suffix[level]}"
        if name not in used:
            used.add(name)
            return name
