"""policykg: Chinese budget performance documents -> one RDF knowledge graph.

The distribution installs one importable name, ``policykg``, whose three parts
live in the top-level folders of the source tree (mapped with setuptools'
``package-dir``):

- ``policykg.loaders`` (``loaders/``): source documents -> typed records with
  provenance (file formats, form templates, Chinese text). Never imports RDF
  libraries or ``policykg.graph``.
- ``policykg.ontology`` (``ontology/``): the vocabulary (OWL ontology, SKOS
  indicator framework, SHACL shapes) and its namespace objects. Imports neither
  of the other two.
- ``policykg.graph`` (``graph/``): records -> RDF, linking across documents,
  the build, stores and named queries, answers, HTML views and the command line.
  Knows RDF and nothing about document layout.

This package itself holds only this map and ``python -m policykg`` (the
command line of ``policykg.graph.cli``).

    >>> from policykg.loaders import load
    >>> doc = load("seeds/004_b5c1e20c1c71ec69.txt")
    >>> doc.projects[0].name
    '城市数字化'
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("policykg")
except metadata.PackageNotFoundError:  # run from a source tree that was not installed
    __version__ = "0+unknown"
