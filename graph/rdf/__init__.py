"""Records -> RDF: IRIs, each document's named graph, the derived graph, N-Triples.

``iris`` (deterministic ASCII IRIs), ``build`` (the triples of one document,
``add_document``), ``findings`` (audit findings as ``pkg:Finding`` nodes, and
back), ``derived`` (lineage links, the place gazetteer, stated relations) and
``ntriples`` (a named graph as sorted N-Triples bytes).

Uses the vocabulary of ``policykg.ontology`` and the indexes of
``graph.linking``. Never imports ``graph.run``, ``graph.sparql``,
``graph.answers`` or ``graph.views``: how a build is run or queried is not its concern.
"""
