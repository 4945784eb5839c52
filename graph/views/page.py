"""A ``View`` as one HTML page that works without a network.

pyvis draws the page (vis-network, its select and filter menus); this module
makes it self-contained and safe:

- pyvis links bootstrap and, in some modes, vis-network and tom-select from
  CDNs even with ``cdn_resources="in_line"`` (pyvis issues 228, 229). With
  ``in_line`` it already inlines vis-network and tom-select from the copies it
  ships (vis-network: Apache-2.0/MIT; tom-select: Apache-2.0); we drop every
  remaining remote ``<link>``/``<script src>`` and style the menus ourselves.
- Document text never becomes markup: tooltips are handed to vis-network as
  plain strings (shown with ``innerText``) after the page has loaded, so pyvis's
  ``"href" in title`` switch to ``innerHTML`` popups cannot trigger; labels are
  drawn on a canvas; node data sits in the script as JSON with ``<`` escaped;
  the header, legend and menu options are ``html.escape``d, with control characters
  written as escapes (``graph.printable``: ESC as ``\\x1b``).
- The page states how many nodes it draws (``#policykg[data-node-count]``) and
  sets ``data-ready="true"`` and ``data-drawn-nodes`` once the layout is done
  and drawn, for people and for the browser test.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from pyvis.network import Network

from policykg.graph.printable import printable
from policykg.graph.views.select import View

FINDING_RING = "#d62728"  # border of a node that audit findings concern
KINDS: dict[str, dict[str, str]] = {
    "project": {"color": "#1f77b4", "shape": "dot", "label": "project 项目"},
    "policy": {"color": "#d62728", "shape": "diamond", "label": "policy document 政策文件"},
    "organization": {"color": "#2ca02c", "shape": "square", "label": "organization 单位"},
    "place": {"color": "#9467bd", "shape": "triangle", "label": "place 地区"},
    "indicator": {"color": "#ff7f0e", "shape": "star", "label": "indicator 指标"},
}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "cited by 引用": {"dashes": True, "color": "#bbbbbb"},
    "continued by 延续": {"color": "#e377c2", "width": 3},
    "justifies 立项依据": {"color": "#d62728"},
}
_SHAPES = {
    "dot": '<circle cx="7" cy="7" r="6"/>',
    "diamond": '<polygon points="7,0 14,7 7,14 0,7"/>',
    "square": '<rect x="1" y="1" width="12" height="12"/>',
    "triangle": '<polygon points="7,1 13,13 1,13"/>',
    "star": '<polygon points="7,0 9,5 14,5 10,8 12,14 7,10 2,14 4,8 0,5 5,5"/>',
}
LABEL_CHARS = 16  # longer labels are cut on the canvas; the tooltip and the menu show them whole
_MENU_CSS = """
body{font-family:sans-serif;margin:0}
#policykg{padding:6px 12px}#policykg h1{font-size:1.3em;margin:4px 0}#policykg p{margin:4px 0}
#legend span.kind{margin-right:1.4em;white-space:nowrap}#legend svg{vertical-align:middle;margin-right:3px}
.card-header{padding:4px 12px}.row{display:flex;gap:6px;align-items:center}.col-10{flex:10}.col-3{flex:3}
.card{position:relative}.col-2{flex:2}.col-1{flex:1}.btn{padding:4px 8px;border:1px solid #1f77b4;background:#1f77b4;color:#fff;
border-radius:3px;cursor:pointer;width:100%}.form-select{width:100%}
div.vis-tooltip{white-space:pre-wrap;max-width:40em;font-family:sans-serif;font-size:13px}
"""
_READY_JS = """
(function () {
  var page = document.getElementById("policykg");
  var loading = document.getElementById("loadingBar");  // pyvis's progress bar (over 100 nodes)
  if (loading) { document.querySelector("div.card").appendChild(loading); }
  nodes.update(nodes.get().map(function (n) { return {id: n.id, title: n.tip}; }));
  function drawn() {
    network.once("afterDrawing", function () {
      page.dataset.drawnNodes = String(network.body.nodeIndices.length);
      page.dataset.ready = "true";
    });
    network.redraw();
  }
  var finished = false;
  function finish() {
    if (finished) { return; }
    finished = true;
    if (loading) { loading.style.display = "none"; }
    network.setOptions({physics: false});
    network.fit();
    drawn();
  }
  if (nodes.length === 0) { drawn(); return; }
  // a hierarchical layout is stabilized before this script runs; a free layout stabilizes later
  if (network.physics.stabilized) { finish(); return; }
  network.once("stabilizationIterationsDone", finish);
  network.once("stabilized", finish);
})();
"""


def short_label(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _options(view: View) -> dict[str, Any]:
    options: dict[str, Any] = {
        "layout": {"randomSeed": 7, "improvedLayout": len(view.nodes) <= 150},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "edges": {"smooth": {"type": "continuous"}, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#999999"}},
        "nodes": {"font": {"size": 13}},
        "physics": {"enabled": True, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -9000, "springLength": 140, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": True, "iterations": 400 if len(view.nodes) < 1500 else 100,
                                      "fit": True}},
    }
    if view.hierarchical:
        options["layout"]["hierarchical"] = {"enabled": True, "direction": "LR", "levelSeparation": 230,
                                             "nodeSpacing": 150, "sortMethod": "directed"}
        options["physics"]["solver"] = "hierarchicalRepulsion"
        options["physics"]["hierarchicalRepulsion"] = {"nodeDistance": 150, "avoidOverlap": 1}
    return options


def render_view(view: View) -> str:
    """The offline HTML page of ``view`` (a str, deterministic for the same view)."""
    net = Network(height="760px", width="100%", directed=True, cdn_resources="in_line",
                  select_menu=True, filter_menu=True)
    for n in view.nodes:
        kind = KINDS[n.kind]
        extra: dict[str, Any] = {"level": n.level} if n.level is not None else {}
        label = short_label(printable(n.label)) + (f" · {n.year}" if view.hierarchical and n.year else "")
        if n.findings:  # a red ring: the document contradicts itself about this project (policykg audit)
            extra.update(color={"background": kind["color"], "border": FINDING_RING}, borderWidth=4)
        net.add_node(n.id, label=label, color=extra.pop("color", kind["color"]), shape=kind["shape"], size=n.size,
                     kind=n.kind, name=printable(n.label), year=n.year or "", tip=n.tooltip, **extra)
    for e in view.edges:
        net.add_edge(e.source, e.target, title=e.tooltip or e.relation, relation=e.relation,
                     **EDGE_STYLE.get(e.relation, {}))
    net.options = _options(view)
    page = net.generate_html(notebook=False)
    labels = {n.id: f"{n.label} ({KINDS[n.kind]['label'].split()[0]}{', ' + n.year if n.year else ''})"
              for n in view.nodes}
    return make_offline(page, view, labels)


def make_offline(page: str, view: View, menu_labels: dict[str, str] | None = None) -> str:
    """Remove remote resources from a pyvis page and add the header, legend and readiness signal."""
    page = re.sub(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>", "", page)
    page = re.sub(r"<script\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>", "", page)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    for node_id, text in (menu_labels or {}).items():
        page = page.replace(f'<option value="{node_id}">{node_id}</option>',
                            f'<option value="{html.escape(node_id)}">{html.escape(printable(text))}</option>', 1)
    page = page.replace("<option selected>Select a Node by ID</option>", "<option selected>Select a node by name</option>", 1)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(printable(view.title))}</title>", 1)
    page = page.replace("</head>", f"<style>{_MENU_CSS}</style>\n</head>", 1)
    page = re.sub(r"<body[^>]*>", lambda m: m.group(0) + header(view), page, count=1)
    return page.replace("</body>", f"<script>{_READY_JS}</script>\n</body>", 1)


def header(view: View) -> str:
    """Title, what the view shows, the stated node count and the legend (all text escaped)."""
    legend = "".join(
        f'<span class="kind"><svg width="14" height="14" fill="{k["color"]}">{_SHAPES[k["shape"]]}</svg>'
        f'{html.escape(k["label"])}</span>' for k in KINDS.values()) + (
        f'<span class="kind"><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="none" '
        f'stroke="{FINDING_RING}" stroke-width="3"/></svg>audit findings 审核发现 (see the tooltip)</span>')
    focus = json.dumps(list(view.focus))
    return (f'<div id="policykg" data-node-count="{len(view.nodes)}" data-edge-count="{len(view.edges)}" '
            f'data-ready="false" data-focus="{html.escape(focus)}">'
            f"<h1>{html.escape(printable(view.title))}</h1>"
            f'<p id="view-description">{html.escape(printable(view.description))}</p>'
            f'<p id="node-count">{len(view.nodes)} nodes, {len(view.edges)} links.</p>'
            f'<div id="legend">{legend}</div>'
            "<p>Node size: area grows with money (a project's 年度资金申请总额 annual request, or its budget; "
            "a policy's: the projects it justifies; a department's: its projects). Hover a node for its facts "
            "(amounts in 万元, source file and line); pick a node in the menu to highlight its neighbours; "
            "filter by kind or year.</p></div>")


def iframe_html(page: str, height: int = 900) -> str:
    """``page`` inside an isolated ``<iframe srcdoc>`` (scripts run, no access to the host page).

    For notebooks: pyvis's own inline display can come out blank (pyvis
    issues 49, 203); ``IPython.display.HTML(iframe_html(page))`` does not.
    """
    return (f'<div class="policykg-view"><iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{height}px;border:1px solid #ddd"></iframe></div>')
