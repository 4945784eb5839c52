"""Answers to what researchers ask, read from any store through SPARQL.

``describe`` (facts about one node, finding nodes by name or 文号),
``subgraph`` (the part of a store an answer reads), ``rollup`` (money summed
by the store), ``analysis`` (networkx: citations, centrality, groups, paths to
the money), ``evolution`` (a project across years), ``trace`` (which projects
and how much a policy justifies).

Takes a ``graph.sparql.store`` store (or an rdflib graph); never imports
``graph.views``, ``graph.run`` or the CLI.
"""
