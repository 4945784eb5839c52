"""Identity across documents, computed from the records alone.

``link`` (one node per real policy document: 《title》 and 文号 document
number), ``orgs`` (one node per organization, with its hierarchy), ``places``
(the gazetteer of ``graph/data/places.tsv``) and ``lineage`` (which earlier
project a project continues, with a score and evidence).

Takes ``policykg.loaders.records``; returns plain dataclasses and indexes.
Never imports rdflib, pyoxigraph or the other rooms of ``policykg.graph``
(IRIs and triples are ``graph.rdf``'s).
"""
