"""The label sets: the one place where regions and topics are spelled.

Each headline gets ONE primary region (where the event happens, or whose domestic affairs it is about;
for a country acting abroad, where it acts) and ONE topic.
"""
from __future__ import annotations

REGIONS: dict[str, str] = {
    "Africa": "all of Africa except Egypt",
    "Americas": "Canada, Mexico, Central and South America, the Caribbean",
    "Asia-Pacific": "East, South, Southeast and Central Asia, Afghanistan, Pakistan, Australia, "
                    "New Zealand, Pacific islands",
    "Europe": "EU and non-EU Europe including the UK, Russia, Ukraine, Belarus, Turkey, the Caucasus",
    "Middle East": "Israel, Palestinian territories, Lebanon, Syria, Jordan, Iraq, Iran, the Gulf "
                   "states, Yemen, Egypt",
    "US": "United States domestic affairs, federal and state government, US companies at home",
    "Global": "no single region: world markets, UN-wide matters, climate science, worldwide outbreaks",
}

TOPICS: dict[str, str] = {
    "politics": "elections, governments, parliaments, parties, domestic policy fights",
    "conflict": "war, military operations, armed attacks, terrorism, insurgency",
    "diplomacy": "relations between states, talks, summits, treaties, sanctions, alliances",
    "justice": "crime, police, arrests, courts, trials, lawsuits",
    "economy": "business, markets, trade, tariffs, jobs, prices, energy markets, companies",
    "disaster": "natural disasters, accidents, crashes, emergencies",
    "environment": "climate, pollution, nature, wildlife, energy transition",
    "health": "disease, medicine, public health, drugs policy, healthcare",
    "science": "science, technology, AI, space",
    "society": "culture, religion, education, sport, media, migration, human interest",
}

HEADS: dict[str, tuple[str, ...]] = {"region": tuple(REGIONS), "topic": tuple(TOPICS)}
"""Label family -> its labels, in a fixed order used by every model and report."""

UNCERTAIN = "uncertain"
"""Written instead of a label whose score is below a user's ``--threshold``."""


def check_label(head: str, label: str) -> str:
    """Return ``label`` if it belongs to ``head``; raise ValueError naming the allowed labels."""
    if label not in HEADS[head]:
        raise ValueError(f"unknown {head} {label!r}; expected one of: {', '.join(HEADS[head])}")
    return label


def pair_name(region: str, topic: str) -> str:
    """The two labels shown together, e.g. ``US politics``."""
    return f"{region} {topic}"
