"""Places: the nine G60 cities, 上海, 三省一市, with Wikidata sameAs; mentions as links to them."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from policykg.graph.linking.places import find_place, gazetteer
from policykg.graph.rdf.build import union_graph
from policykg.graph.rdf.iris import org_iri, place_iri
from policykg.graph.run.pipeline import build_dataset
from policykg.loaders.records import Mention
from policykg.ontology import PKG, WD
from tests.graph.records import document, project, rows

NINE_CITIES = ["松江区", "嘉兴市", "杭州市", "金华市", "苏州市", "湖州市", "宣城市", "芜湖市", "合肥市"]  # 000 line 366


def test_nine_cities_of_the_corridor(seed_graph: Graph) -> None:
    found = rows(seed_graph, """
        SELECT ?name WHERE { ?c a pkg:Place ; schema:containedInPlace <https://w3id.org/policykg/id/place/g60-corridor> ; rdfs:label ?name
                             FILTER(lang(?name) = "zh") }""")
    assert sorted(str(n) for (n,) in found) == sorted(NINE_CITIES)


def test_wikidata_entities(seed_graph: Graph) -> None:
    # IDs and their sources: graph/data/places.tsv header.
    for key, qid in [("shanghai", "Q8686"), ("hangzhou", "Q4970"), ("suzhou", "Q42622"), ("hefei", "Q185684"),
                     ("jiaxing", "Q58178"), ("songjiang", "Q662380"), ("jiangsu", "Q16963"), ("zhejiang", "Q16967")]:
        assert (place_iri(key), OWL.sameAs, WD[qid]) in seed_graph, key
    unchecked = [p.key for p in gazetteer().values() if not p.wikidata]
    for key in unchecked:
        assert not list(seed_graph.objects(place_iri(key), OWL.sameAs)), key


def test_three_provinces_and_one_city() -> None:
    region = find_place("三省一市")
    assert region is not None and region.key == "yangtze-river-delta"
    inside = sorted(p.key for p in gazetteer().values() if region.key in p.within and p.kind != "region")
    assert inside == ["anhui", "jiangsu", "shanghai", "zhejiang"]


def test_mentions_link_to_the_canonical_nodes() -> None:
    mentions = (Mention("place", "松江", 10), Mention("place", "九城市", 11), Mention("place", "泗泾镇", 12),
                Mention("organization", "上交所", 13), Mention("organization", "毕马威中国", 14))
    doc = document("m.txt", 2024, project("金融赋能", 2024, mentions=mentions))
    graph = union_graph(build_dataset([doc]))
    (node,) = graph.subjects(RDFS.label, Literal("金融赋能", lang="zh"))
    places = set(graph.objects(node, PKG.mentionsPlace))
    assert place_iri("songjiang") in places and place_iri("g60-corridor") in places
    (town,) = places - {place_iri("songjiang"), place_iri("g60-corridor")}
    assert (town, RDFS.label, Literal("泗泾镇", lang="zh")) in graph
    assert (place_iri("songjiang"), OWL.sameAs, WD["Q662380"]) in graph
    orgs = set(graph.objects(node, PKG.mentionsOrganization))
    assert org_iri("上海证券交易所") in orgs
    assert (org_iri("上海证券交易所"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("上交所", lang="zh")) in graph
    assert any((o, RDFS.label, Literal("毕马威中国", lang="zh")) in graph for o in orgs)
