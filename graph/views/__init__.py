"""pyvis HTML views of the graph that open without a network.

``select`` chooses what a view shows (overview, focus, lineage), ``page``
draws it as one offline HTML page, ``html`` puts both together
(``make_view``, ``write_view``, ``show`` for notebooks).

Reads a store through ``graph.answers``; the only room that imports pyvis.
Never imports ``graph.run`` or the CLI.
"""
