"""SPARQL: stores behind one interface, query parameters, the named query catalog, the endpoint.

``store`` (rdflib in memory, Oxigraph on disk, any SPARQL 1.1 endpoint, and
``open_store``: the store a command asks for), ``bindings`` (parameters as RDF
terms in a ``VALUES`` block), ``queries`` (the catalog of ``queries/*.rq``),
``server`` (the Oxigraph SPARQL endpoint on loopback, ``serve``), ``push``
(upload to a Graph Store Protocol endpoint).

Never imports ``graph.answers``, ``graph.views``, ``graph.run`` or the CLI.
"""
