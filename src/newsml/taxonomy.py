"""The label sets (taxonomy v2): the one place where regions and topics are spelled and defined.

Each headline gets ONE primary region (where the event happens, or whose domestic affairs it is about;
for a country acting abroad, where it acts) and ONE topic (the main point of the headline). Topics
follow the top level of the IPTC Media Topics that newsrooms use, merged to twelve; ``BOUNDARIES``
settles the soft edges so that the same kind of story carries the same label everywhere.
"""
from __future__ import annotations

TAXONOMY_VERSION = 2

REGIONS: dict[str, str] = {
    "Africa": "all of Africa except Egypt",
    "Americas": "Canada, Mexico, Central and South America, the Caribbean",
    "Asia-Pacific": "East, South, Southeast and Central Asia, Afghanistan, Pakistan, Australia, "
                    "New Zealand, Pacific islands",
    "Europe": "EU and non-EU Europe including the UK, Russia, Ukraine, Belarus, Turkey, the Caucasus",
    "Middle East": "Israel, Palestinian territories, Lebanon, Syria, Jordan, Iraq, Iran, the Gulf "
                   "states, Yemen, Egypt",
    "US": "United States domestic affairs, federal and state government, US companies, teams and "
          "celebrities at home",
    "Global": "no single region: world markets and commodities, UN-wide matters, climate science and "
              "COP deals, worldwide outbreaks, events spread over several regions",
}

TOPICS: dict[str, str] = {
    "politics": "elections, governments, parliaments, parties, leaders' fortunes, domestic policy fights, "
                "scandals about how politicians behave in office",
    "conflict": "war, military operations, armed attacks, terrorism, insurgency, cyber attacks by states",
    "diplomacy": "relations between states, talks, summits, treaties, sanctions, alliances, state visits",
    "justice": "crime, police, arrests, courts, trials, lawsuits, prisons, cyber crime by criminals",
    "economy": "business, companies and their results, markets, trade, tariffs, jobs, prices, budgets and "
               "taxes, energy markets and OPEC+, tourism numbers, product launches as business",
    "disaster": "natural disasters, extreme weather that kills or destroys, accidents, crashes, fires, "
                "building collapses, emergencies",
    "environment": "climate, pollution, nature, wildlife, energy transition, COP deals, routine weather "
                   "and forecasts",
    "health": "disease, medicine, public health, hospitals and health services, drugs policy, "
              "pandemics and vaccines",
    "science": "science, research, technology, AI, space, gadgets and apps as technology, social media "
               "platforms' features and rules",
    "sport": "competitions, matches and results, athletes, clubs, leagues, transfers, coaches, sports "
             "governance and doping",
    "culture": "arts, film, TV, music, books, theatre, games as entertainment, celebrities and royals as "
               "personalities, awards, heritage finds, museums, the media industry, obituaries of artists",
    "society": "education, religion, migration and refugees as human stories, family, lifestyle, food, "
               "travel, work life, human interest, protests about social issues, rights and equality",
}

BOUNDARIES: tuple[tuple[str, str], ...] = (
    ("sport vs justice", "an athlete charged, tried or jailed for a crime outside sport is justice; "
                         "doping bans, match-fixing sanctions and governing-body rulings are sport"),
    ("sport vs economy", "a club takeover, a broadcast-rights deal or a transfer is sport; a listed sports "
                         "firm's results are economy"),
    ("culture vs justice", "a celebrity on trial or arrested is justice; a celebrity feud, divorce or "
                           "comeback is culture"),
    ("culture vs economy", "box-office takes, chart records and streaming hits are culture; a studio or "
                           "media company's takeover, results or job cuts are economy"),
    ("culture vs society", "royals and celebrities as personalities are culture; a royal duty about a "
                           "social cause is society; religion, food and travel are society"),
    ("obituaries", "an obituary takes the field the person was known for: an actor or singer is culture, "
                   "an athlete sport, a politician politics, a scientist science"),
    ("weather", "a routine forecast, heatwave warning or record temperature is environment; extreme "
                "weather that kills or destroys (floods, storms, wildfires with damage) is disaster"),
    ("tourism", "tourism numbers, visitor spending and airline traffic are economy; a travel feature is "
                "society"),
    ("cyber attacks", "an attack attributed to a state or its military is conflict; one by criminals "
                      "(ransomware, fraud, data theft) is justice; a security flaw or fix is science"),
    ("energy", "OPEC+ output and oil or gas prices are Global economy; a COP deal or world climate target "
               "is Global environment; a country's power plants and bills are that country's economy"),
    ("migration", "border policy and asylum laws are politics; migrants' journeys and lives are society; "
                  "a boat sinking is disaster"),
    ("tech", "a new AI model, gadget feature or app rule is science; a tech firm's earnings, layoffs, "
             "share price or takeover is economy; a fine or court case against it is justice"),
    ("lone attackers", "a shooting, stabbing or assassination by one person is justice, even when political; "
                       "an attack by or for an armed or terrorist group is conflict"),
    ("culture abroad", "a film, show or artist goes to its home (a Hollywood film's worldwide box office is US); "
                       "Global only for world charts, lists and tours spread over several regions"),
    ("budgets", "a budget, tax or spending plan is economy; the political fight over it is politics"),
    ("PKK", "the PKK and Kurdish militants are Middle East unless the event is in Turkey (then Europe)"),
    ("elections abroad", "a country's election is politics of that country's region, even when foreign "
                         "leaders comment on it"),
)
"""Tie-break rules for the soft edges between topics (and two region rules), as ``(edge, rule)``."""

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
