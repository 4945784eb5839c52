"""The build: files -> records -> named graphs -> files, with a report.

``pipeline`` is the one build path (``build`` for folders and an output
folder, ``document_graphs`` / ``build_dataset`` for records in memory); its
stages read and parse, link, encode, derive, validate and write. ``cache``
keeps parsed documents and graphs by content, ``output`` holds the output
folder, ``limits`` bounds one file's size and reading time, ``cluster`` runs
the per-document stages on Dask, ``export`` writes Turtle, TriG, N-Triples and
JSON-LD. State handed to forked workers lives in ``graph.processes`` only.

Never imports ``graph.sparql``, ``graph.answers``, ``graph.views`` or the CLI.
"""
