"""The audit: where a document contradicts itself, with the evidence side by side.

``engine`` runs the rules (``audit``, ``audit_document``, ``RULES``);
``model`` holds the findings and what a rule sees of a document; the rules are
in ``rules`` (money, units, bounds), ``text`` (time, names, plans, copies) and
``years`` (across years, along the lineage links of ``graph.linking``).

Reads records only and returns ``AuditFinding`` dataclasses; never imports
rdflib (``graph.rdf.findings`` writes and reads the findings in RDF).
"""
