"""Places the documents name: the nine G60 cities, 上海, the provinces of 三省一市, 长三角.

The gazetteer is the data table ``graph/data/places.tsv`` (names, aliases,
containment, Wikidata IDs with their sources). Works on names only; RDF is
written by ``graph.rdf.derived`` and ``graph.rdf.build``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from policykg.loaders.text import data_table


@dataclass(frozen=True, slots=True)
class Place:
    """One row of the gazetteer."""

    key: str  # ASCII slug for the IRI, e.g. hefei
    name: str  # e.g. 合肥市
    name_en: str
    kind: str  # city, district, province, municipality, region
    within: tuple[str, ...]  # keys of the places it lies in
    wikidata: str | None  # QID, e.g. Q185684; None when it could not be checked
    aliases: tuple[str, ...]
    source: str


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Every place of ``places.tsv`` by key, in table order."""
    places = {}
    for row in data_table("policykg.graph", "places.tsv"):
        places[row["key"]] = Place(
            row["key"], row["name"], row["name_en"], row["kind"],
            tuple(k for k in row["within"].split("|") if k), row["wikidata"] or None,
            tuple(a for a in row["aliases"].split("|") if a), row["source"])
    return places


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for place in gazetteer().values():
        for name in (place.name, *place.aliases):
            names.setdefault(_norm(name), place.key)
    return names


def _norm(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def find_place(name: str) -> Place | None:
    """The place a written name stands for (松江, 松江区, 三省一市, 九城市 …); ``None`` if not in the table."""
    key = _by_name().get(_norm(name))
    return gazetteer()[key] if key else None
