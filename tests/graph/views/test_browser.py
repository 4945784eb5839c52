"""The HTML views in a real browser: Debian's headless Chromium driven by Playwright.

`make test` installs the Debian package ``chromium`` when it is missing; the
browser is never downloaded. Each page is opened from a file with every
request recorded, and read only once it says it is drawn
(``#policykg[data-ready="true"]``, set after vis-network's layout and first
drawing). Expected values come from the documents, not from the program.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from rdflib import Graph

from policykg.graph.views import html as views
from tests.conftest import SEEDS
from tests.graph import handmade

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    page: Page
    problems: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)


def open_view(browser: Browser, path: Path) -> Opened:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    opened = Opened(page)
    page.on("console", lambda m: opened.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.problems.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector('#policykg[data-ready="true"]', state="attached", timeout=60_000)
    return opened


def stated_node_count(page: Page) -> int:
    """The number of nodes the page says it draws, read from its text."""
    found = re.fullmatch(r"(\d+) nodes, \d+ links\.", page.inner_text("#node-count").strip())
    assert found, page.inner_text("#node-count")
    return int(found.group(1))


def tooltip_of(page: Page, name: str) -> str:
    """Hover the node whose full name is ``name`` and return the tooltip's text."""
    node_id = page.evaluate("(name) => nodes.get().find((n) => n.name === name).id", name)
    x, y, left, top = page.evaluate("""(id) => {
        network.moveTo({position: network.getPosition(id), scale: 1.5, animation: false});
        const at = network.canvasToDOM(network.getPosition(id));
        const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
        return [box.left + at.x, box.top + at.y, box.left, box.top]; }""", node_id)
    page.mouse.move(left + 3, top + 3)  # an empty corner of the drawing: the previous tooltip closes
    page.wait_for_function("() => !document.querySelector('div.vis-tooltip') || "
                           "document.querySelector('div.vis-tooltip').style.visibility !== 'visible'")
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip');"
                           " return t && t.style.visibility === 'visible' && t.innerText.length > 0; }")
    return page.inner_text("div.vis-tooltip")


def test_overview_draws_the_nodes_it_states_offline(browser: Browser, seed_graph: Graph, tmp_path: Path) -> None:
    path = views.write_view(seed_graph, tmp_path / "overview.html")
    opened = open_view(browser, path)
    page = opened.page
    # seeds/README.md: 2022 two projects (003), 2023 one (000) and fourteen (004), 2024 one (001), 2025 ten (002)
    assert "28 top-level projects" in page.inner_text("#view-description")
    assert page.evaluate("network.body.nodeIndices.length") == stated_node_count(page)
    assert int(page.get_attribute("#policykg", "data-drawn-nodes") or -1) == stated_node_count(page)
    assert opened.problems == []
    assert opened.requests == [path.as_uri()]  # nothing fetched: vis-network, tom-select and styles are inline
    legend = page.inner_text("#legend")
    for kind in ("project", "policy document", "organization", "place", "indicator"):
        assert kind in legend


def test_tooltip_shows_the_amount_the_document_declares(browser: Browser, seed_graph: Graph, tmp_path: Path) -> None:
    lines = (SEEDS / "004_b5c1e20c1c71ec69.txt").read_text(encoding="utf-8").splitlines()
    (number, heading), = [(n, line) for n, line in enumerate(lines, 1) if "高新技术企业认定专项补贴项目（" in line]
    wan = int(re.search(r"（(\d+) 万）", heading).group(1))  # type: ignore[union-attr]  # 4、…项目（13000 万）
    view = views.make_view(seed_graph, focus_on="沪松府规〔2019〕23号")
    opened = open_view(browser, views.write_view(seed_graph, tmp_path / "focus.html", view=view))
    tip = tooltip_of(opened.page, "高新技术企业认定专项补贴项目")
    assert f"{wan:,}.00 万元" in tip  # 13,000.00 万元
    assert f"004_b5c1e20c1c71ec69.txt line {number}" in tip
    assert "fiscal year 2023" in tip and "上海市松江区科学技术委员会" in tip
    assert opened.problems == []
    assert opened.page.evaluate("network.body.nodeIndices.length") == stated_node_count(opened.page)


def test_names_made_of_html_show_as_text_and_run_nothing(browser: Browser, tmp_path: Path) -> None:
    graph = handmade.hostile()
    view = views.make_view(graph, focus_on="沪松府规〔2019〕23号")
    path = views.write_view(graph, tmp_path / "hostile.html", view=view)
    opened = open_view(browser, path)
    page = opened.page
    page.wait_for_timeout(300)  # an <img onerror> would fire on its failed load
    assert stated_node_count(page) == 3
    assert tooltip_of(page, handmade.SCRIPT_NAME).splitlines()[0] == handmade.SCRIPT_NAME
    assert tooltip_of(page, handmade.IMG_NAME).splitlines()[0] == handmade.IMG_NAME
    assert handmade.LINK_TITLE in tooltip_of(page, handmade.LINK_TITLE)
    assert handmade.LINK_TITLE in page.inner_text("#view-description")  # "Focus on <a href=…>…</a>: …"
    page.click("#select-menu .ts-control")
    page.keyboard.type("专项")
    page.wait_for_selector("#select-menu .ts-dropdown .option")
    assert handmade.IMG_NAME in page.inner_text("#select-menu .ts-dropdown")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img, a[href]').length") == 0
    assert opened.problems == []
    assert opened.requests == [path.as_uri()]


def test_view_inside_the_notebook_iframe_draws(browser: Browser, seed_graph: Graph, tmp_path: Path) -> None:
    view = views.make_view(seed_graph, focus_on="沪松府规〔2019〕23号")
    host = tmp_path / "notebook-output.html"
    host.write_text(f"<html><body>{views.iframe_html(views.render_view(view))}</body></html>", encoding="utf-8")
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator('#policykg[data-ready="true"]').wait_for(state="attached", timeout=60_000)
    assert frame.locator("#policykg").get_attribute("data-drawn-nodes") == str(len(view.nodes)) == "3"
    assert problems == []


def test_lineage_page_draws_every_year(browser: Browser, tmp_path: Path) -> None:
    graph = handmade.programme()
    view = views.make_view(graph, lineage_of="G60走廊建设")
    opened = open_view(browser, views.write_view(graph, tmp_path / "lineage.html", view=view))
    page = opened.page
    # the hand-made programme: 2022, 2023 with two sub-projects, 2024 (renamed), linked by pkg:continues
    assert stated_node_count(page) == 5 == page.evaluate("network.body.nodeIndices.length")
    xs = page.evaluate("(() => { const p = network.getPositions(); return nodes.get().map((n) => [n.year, n.name, p[n.id].x]); })()")
    by_year = sorted(xs, key=lambda row: row[2])
    assert [row[0] for row in by_year][0] == "2022" and by_year[-1][:2] == ["2024", "G60科创走廊协同建设"]
    assert opened.problems == []


def pick(page: Page, select_id: str, text: str) -> None:
    """Choose ``text`` in one of pyvis's tom-select menus, as a user does: click, type, pick."""
    page.click(f"#{select_id} + .ts-wrapper .ts-control")
    page.keyboard.type(text)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first.click()
    page.keyboard.press("Escape")


def test_filter_menu_keeps_one_kind(browser: Browser, seed_graph: Graph, tmp_path: Path) -> None:
    opened = open_view(browser, views.write_view(seed_graph, tmp_path / "overview.html"))
    page = opened.page
    pick(page, "select-item", "node")
    pick(page, "select-property", "kind")
    pick(page, "select-value", "organization")
    page.click("#filter-menu button:has-text('Filter')")
    page.wait_for_function("() => nodes.get({filter: (n) => !n.hidden}).length < nodes.length")
    shown = page.evaluate("nodes.get({filter: (n) => !n.hidden}).map((n) => n.name).sort()")
    # the three departments (主管部门) of the five documents, seeds/README.md
    assert shown == sorted(["上海市松江区长三角G60科创走廊创新研究中心", "上海市松江区科创发展办公室", "上海市松江区科学技术委员会"])
    assert opened.problems == []
