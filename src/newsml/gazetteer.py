"""The gazetteer: names of places, people and organisations mapped to a region.

The data is facts, not prose: ``data/gazetteer.tsv`` has one name a line with its kind (country,
demonym, capital, city, region, person, organisation, group), its region and the country it belongs to.
The classifier sees what the gazetteer finds as features and learns how far to trust them; the
gazetteer never overrides the model ("U.S. troops in Syria" names the US but happens in the Middle East).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from .preprocess import tokenize
from .taxonomy import REGIONS

KINDS = ("country", "demonym", "capital", "city", "region", "person", "organisation", "group")


def split_hyphens(tokens: list[str]) -> list[str]:
    """``israel-iran`` -> ``israel``, ``iran``: compounds name places too ("Kremlin-backed")."""
    return [part for token in tokens for part in token.split("-") if part]


@dataclass(frozen=True)
class Entry:
    """One gazetteer name: ``tokens`` as :func:`newsml.preprocess.tokenize` gives them."""

    name: str
    kind: str
    region: str
    country: str


@dataclass(frozen=True)
class Gazetteer:
    """Longest-match lookup of gazetteer names in token sequences."""

    entries: dict[tuple[str, ...], Entry]
    longest_from: dict[str, int]
    """First token of a name -> the most tokens a name starting with it has (skips most tokens fast)."""

    @classmethod
    def from_lines(cls, lines: Iterable[str], source: str = "<gazetteer>") -> Gazetteer:
        """Parse TSV lines ``name, kind, region, country``; ``#`` starts a comment."""
        entries: dict[tuple[str, ...], Entry] = {}
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                raise ValueError(f"{source}:{number}: expected 4 tab-separated fields, got {len(fields)}")
            name, kind, region, country = (f.strip() for f in fields)
            if kind not in KINDS:
                raise ValueError(f"{source}:{number}: unknown kind {kind!r}")
            if region not in REGIONS:
                raise ValueError(f"{source}:{number}: unknown region {region!r}")
            key = tuple(split_hyphens(tokenize(name)))
            if not key:
                raise ValueError(f"{source}:{number}: empty name")
            entries.setdefault(key, Entry(name, kind, region, country))
        longest_from: dict[str, int] = {}
        for key in entries:
            longest_from[key[0]] = max(longest_from.get(key[0], 0), len(key))
        return cls(entries, longest_from)

    def find(self, tokens: list[str]) -> list[Entry]:
        """Entries named in ``tokens``, left to right, preferring the longest name at each point."""
        longest_from, entries = self.longest_from, self.entries
        if "-" in "".join(tokens):
            tokens = split_hyphens(tokens)
        starters = longest_from.keys() & tokens
        if not starters:
            return []
        found: list[Entry] = []
        end = 0  # tokens before this are inside a name already found
        for i in [i for i, token in enumerate(tokens) if token in starters]:
            if i < end:
                continue
            for size in range(min(longest_from[tokens[i]], len(tokens) - i), 0, -1):
                entry = entries.get(tuple(tokens[i:i + size]))
                if entry is not None:
                    found.append(entry)
                    end = i + size
                    break
        return found

    def countries(self) -> set[str]:
        """Every country or territory the gazetteer knows."""
        return {e.country for e in self.entries.values() if e.kind == "country"}


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped with newsml (parsed once per process)."""
    path = resources.files("newsml") / "data" / "gazetteer.tsv"
    with path.open(encoding="utf-8") as handle:
        return Gazetteer.from_lines(handle, source=str(path))
