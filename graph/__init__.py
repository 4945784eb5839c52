"""Records -> RDF, linked across documents; the build, stores, named queries, answers, views, CLI.

``policykg.graph`` knows RDF and nothing about document layout: it reads the
typed records of ``policykg.loaders`` and never the files' text, cells or
templates. Its rooms, in the order data flows through them:

- ``linking``: identity across documents over the records (one node per policy,
  organization, place; lineage across years). No RDF.
- ``audit``: rules over one document's records (and across years) that find
  where it contradicts itself. No RDF.
- ``rdf``: IRIs, the triples of a document's named graph (findings included),
  the derived graph, sorted N-Triples.
- ``run``: the build as stages (read, link, encode, derive, validate, write),
  its workers, cache, output folder, Dask cluster and file export.
- ``validation`` (one module): SHACL with pySHACL, whole or part by part.
- ``sparql``: stores behind one interface, query parameters, the named query
  catalog and its ``.rq`` files, the Oxigraph endpoint, Graph Store push.
- ``answers``: what a researcher asks of any store (describe, analysis,
  evolution, trace, money roll-ups, the sub-graph an answer reads), through SPARQL.
- ``views``: pyvis HTML pages drawn from answers.
- ``tables``: tidy tables for analysts, each from a named query.
- ``cli``: the ``policykg`` command line, a thin shell over the above.
- ``errors``: the errors this package raises (subclasses of ``PolicyKGError``).

Import rules (checked by ``tests/test_layers.py``): ``linking`` and ``audit``
never import rdflib, pyoxigraph or any later room; ``rdf`` never imports
``run``, ``sparql``, ``answers`` or ``views``; ``sparql`` never imports
``answers`` or ``views``; ``answers`` never imports ``views``; only ``cli``
imports typer or rich.
"""
