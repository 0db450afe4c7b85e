"""The built site in a real browser: what a reader sees, offline and with no third party.

Chromium (Debian's ``chromium`` package, headless), driven by Playwright, visits every page
of a ``--strict`` build served from 127.0.0.1, and checks that nothing leaves the site's
origin, no console error, figures and formulas and diagrams rendered, the French search,
the light/dark toggle; every internal link and anchor is checked in Python from the HTML.
The memory calculator (docs/calculatrice.md, Python in the browser with Pyodide) is typed
into like a reader would, and must show what ``genai_docs.memory`` computes in this process;
the notebook page must show its outputs and link a valid ``.ipynb``.
``.ci/run`` installs the browser; elsewhere, without it, the module is skipped (with the
reason, as ``pytest -ra`` shows it), except under ``CI=true``, where it fails.
``GENAI_DOCS_CHROMIUM`` names another Chromium binary; ``GENAI_DOCS_SITE=folder`` tests a
site already built instead of building one. The transfer size of each page view is printed,
and the calculator's load time.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("GENAI_DOCS_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags, Chromium itself calls Google hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_BYTES_LIMIT = 12_000_000  # one page view, uncompressed: generous (Mermaid alone is 3.5 MB)
# The calculator's page also loads Pyodide: CPython in WebAssembly (9.6 MB) and its standard
# library (2.5 MB, already a zip): 13.5 MB, 6.3 MB gzip-compressed, then in the browser's cache.
PAGE_BYTES_LIMITS = {"calculatrice/index.html": 16_000_000}
CALCULATOR = "calculatrice/index.html"
PYTHON_READY_MS = 120_000  # Pyodide's start, on a slow CI machine (a few seconds here)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (make setup installs it)"
    if not CHROMIUM.is_file():
        return f"no browser at {CHROMIUM} (apt-get install chromium, as .ci/run does)"
    return None


if (_why := _missing()) is not None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {_why}", pytrace=False)
    pytest.skip(f"browser tests skipped: {_why}", allow_module_level=True)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

# Material draws each Mermaid diagram in a closed shadow root: open it, so the test sees it.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""

# Show what a reader may reveal: every tab of every tab set, every collapsed <details>.
REVEAL = """() => {
  for (const details of document.querySelectorAll("details")) details.open = true;
  const style = document.createElement("style");
  style.textContent = ".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }";
  document.head.append(style);
}"""

# What is visible now: images, formulas, diagrams, and raw TeX left in the prose.
INSPECT = """async () => {
  const box = (element) => { const r = element.getBoundingClientRect(); return [r.width, r.height]; };
  const visible = (element) => element.checkVisibility();
  const images = [];
  for (const img of document.images) {
    if (!visible(img)) continue;
    img.loading = "eager";
    try { await img.decode(); } catch (error) {}
    images.push({src: img.getAttribute("src"), natural: img.naturalWidth * img.naturalHeight, box: box(img)});
  }
  const math = [...document.querySelectorAll(".arithmatex")].map((element) => {
    const katex = element.querySelector(".katex");
    return {source: element.textContent.slice(0, 60), rendered: !!katex,
            visible: visible(element), box: katex ? box(katex) : [0, 0]};
  });
  const diagrams = [...document.querySelectorAll("div.mermaid")].map((element) => {
    const svg = element.shadowRoot && element.shadowRoot.querySelector("svg");
    return {svg: !!svg, visible: visible(element), box: svg ? box(svg) : [0, 0]};
  });
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("pre, code, script, style, textarea, .katex")) continue;
    if (["\\\\(", "\\\\[", "$$", "\\\\begin{"].some((mark) => node.textContent.includes(mark))) {
      raw.push(node.textContent.trim().slice(0, 80));
    }
  }
  return {images, math, diagrams, raw, unrendered: document.querySelectorAll("pre.mermaid").length};
}"""


# The calculator's script has finished loading Python, well or badly.
CALCULATOR_STARTED = (
    "() => document.getElementById('calculatrice-resultat').dataset.etat !== 'chargement'"
)


@dataclass
class Visit:
    """What one page view did and showed."""

    path: str
    console_errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # requests to another origin (blocked)
    failed: list[str] = field(default_factory=list)  # same-origin requests that failed
    problems: list[str] = field(default_factory=list)  # images, formulas, diagrams
    bytes: int = 0  # response bodies, as served here (no compression)
    gzip_bytes: int = 0  # the same, gzip-compressed, as most static hosts serve them
    requests: int = 0
    formulas: int = 0
    diagrams: int = 0
    images: int = 0


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A --strict build of the site; ``GENAI_DOCS_SITE=folder`` tests one already built."""
    if os.environ.get("GENAI_DOCS_SITE"):
        return Path(os.environ["GENAI_DOCS_SITE"]).resolve()
    folder = tmp_path_factory.mktemp("browser") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "GENAI_DOCS_EXECUTE": "true"},
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return folder


@pytest.fixture(scope="module")
def origin(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, origin: str):
    """A fresh context (cold cache, light scheme) and page that blocks, and records in
    ``page.foreign``, every request to another origin."""
    context = browser.new_context(color_scheme="light", service_workers="block")
    foreign: list[str] = []

    def route(route):
        if route.request.url.startswith(origin + "/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.foreign = foreign
    return context, page


@pytest.fixture
def page(browser, origin):
    context, page = open_page(browser, origin)
    yield page
    context.close()


def html_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def url_path(path: str) -> str:
    """The URL path a reader uses for a built file: ``a/index.html`` is ``a/``."""
    return path.removesuffix("index.html")


def _inspect(page, visit: Visit, when: str) -> None:
    seen = page.evaluate(INSPECT)
    visit.images = max(visit.images, len(seen["images"]))
    visit.formulas, visit.diagrams = len(seen["math"]), len(seen["diagrams"])
    for image in seen["images"]:
        if not image["natural"] or 0 in image["box"]:
            visit.problems.append(f"{when}: image {image['src']} has no size {image}")
    for formula in seen["math"]:
        if not formula["rendered"]:
            visit.problems.append(f"{when}: formula not rendered: {formula['source']!r}")
        elif formula["visible"] and 0 in formula["box"]:
            visit.problems.append(f"{when}: formula of zero size: {formula['source']!r}")
    for index, diagram in enumerate(seen["diagrams"]):
        if not diagram["svg"]:
            visit.problems.append(f"{when}: Mermaid diagram {index} is not an SVG")
        elif diagram["visible"] and 0 in diagram["box"]:
            visit.problems.append(f"{when}: Mermaid diagram {index} has zero size")
    if seen["unrendered"]:
        visit.problems.append(f"{when}: {seen['unrendered']} Mermaid source(s) left unrendered")
    visit.problems += [f"{when}: raw TeX in the text: {text!r}" for text in seen["raw"]]


def view(page, origin: str, path: str, site: Path) -> Visit:
    """Load one page as a reader would, wait until it settles, and record what happened."""
    visit = Visit(path)
    finished = []
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    page.on("requestfinished", lambda request: finished.append(request))
    page.on(
        "requestfailed",
        lambda r: r.url.startswith(origin) and visit.failed.append(f"{r.url}: {r.failure}"),
    )
    page.goto(f"{origin}/{url_path(path)}", wait_until="load")
    expected = (site / path).read_text(encoding="utf-8").count('<pre class="mermaid">')
    try:  # Material renders the diagrams asynchronously
        page.wait_for_function(
            "n => document.querySelectorAll('div.mermaid').length >= n", arg=expected
        )
    except PlaywrightTimeout:
        visit.problems.append(f"{expected} Mermaid diagram(s) still not rendered after 20 s")
    if page.locator("#calculatrice-resultat").count():  # Python loads after the page
        page.wait_for_function(CALCULATOR_STARTED, timeout=PYTHON_READY_MS)
    page.wait_for_load_state("networkidle")
    _inspect(page, visit, "as loaded")
    page.evaluate(REVEAL)
    page.wait_for_load_state("networkidle")
    _inspect(page, visit, "all tabs and details shown")
    visit.foreign = list(page.foreign)
    for request in finished:
        response = request.response()
        body = response.body() if response is not None else b""
        visit.bytes += len(body)
        visit.gzip_bytes += len(gzip.compress(body, 6))
    visit.requests = len(finished)
    return visit


@pytest.fixture(scope="module")
def visits(browser, origin, site) -> dict[str, Visit]:
    """Every HTML page of the site, viewed once each (a fresh context: a cold cache)."""
    results = {}
    for path in html_pages(site):
        context, page = open_page(browser, origin)
        results[path] = view(page, origin, path, site)
        context.close()
    return results


def _report(visits: dict[str, Visit]) -> str:
    lines = ["", "one page view, cold cache (bodies as served here / gzip-compressed):"]
    for visit in sorted(visits.values(), key=lambda v: -v.bytes):
        lines.append(
            f"  {visit.path:34} {visit.bytes / 1e3:8.0f} kB / {visit.gzip_bytes / 1e3:6.0f} kB"
            f"  {visit.requests:3} requests  {visit.formulas:3} formulas"
            f"  {visit.diagrams} diagrams  {visit.images:2} images"
        )
    return "\n".join(lines)


def test_every_page_stays_on_its_origin_without_errors(visits, capsys) -> None:
    with capsys.disabled():
        print(_report(visits))
    problems = []
    for visit in visits.values():
        problems += [f"{visit.path}: request to another origin: {url}" for url in visit.foreign]
        problems += [f"{visit.path}: failed request {failure}" for failure in visit.failed]
        problems += [f"{visit.path}: console error: {error}" for error in visit.console_errors]
        if visit.bytes > PAGE_BYTES_LIMITS.get(visit.path, PAGE_BYTES_LIMIT):
            problems.append(f"{visit.path}: one view transfers {visit.bytes} bytes")
    assert not problems, "\n".join(problems)
    assert len(visits) >= 8


def test_figures_formulas_and_diagrams_render(visits) -> None:
    problems = [f"{v.path}: {problem}" for v in visits.values() for problem in v.problems]
    assert not problems, "\n".join(problems)
    # the pages that carry them do show them (a selector gone stale would pass silently)
    assert visits["transformateurs/index.html"].formulas > 0
    assert visits["transformateurs/index.html"].diagrams == 2
    assert visits["cycle-de-vie/index.html"].diagrams >= 1
    assert sum(visit.images for visit in visits.values()) > 0


def search_results(page, origin: str, query: str) -> list[str]:
    """The pages (URL paths) that Material's French search lists for ``query``, in order."""
    page.goto(f"{origin}/", wait_until="load")
    # typed key by key: Material reads the query on keyup (or once its index is ready)
    page.locator("input.md-search__input").press_sequentially(query)
    page.locator(".md-search-result__item").first.wait_for()
    links = page.locator(".md-search-result__item > a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    return list(dict.fromkeys(link.split("#")[0] for link in links))


def test_search_finds_the_transformers_lesson(page, origin) -> None:
    results = search_results(page, origin, "attention")
    assert "/transformateurs/" in results[:3], results


def test_search_finds_the_quantization_lesson(page, origin) -> None:
    results = search_results(page, origin, "quantification")
    assert "/quantification/" in results[:3], results


def test_palette_toggle_switches_light_and_dark(page, origin) -> None:
    page.goto(f"{origin}/", wait_until="load")
    scheme = "document.body.dataset.mdColorScheme"
    background = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(scheme) == "default"
    light = page.evaluate(background)
    page.locator("form[data-md-component=palette] label:visible").click()
    assert page.evaluate(scheme) == "slate"
    assert page.evaluate(background) != light
    page.locator("form[data-md-component=palette] label:visible").click()
    assert page.evaluate(scheme) == "default"
    assert page.evaluate(background) == light


class _Links(HTMLParser):
    """The ids of a page, and the URLs it points to (links, images, scripts, styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, URL)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.ids.add(attributes["name"])
        url = attributes.get("src" if tag in ("img", "script") else "href")
        if tag in ("a", "img", "script", "link") and url:
            self.links.append((tag, url))


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    base = "http://site.invalid/"
    pages = {}
    for path in html_pages(site):
        parser = _Links()
        parser.feed((site / path).read_text(encoding="utf-8"))
        pages[path] = parser
    problems, checked = [], 0
    for path, parser in pages.items():
        for tag, url in parser.links:
            target = urlsplit(urljoin(base + url_path(path), url))
            if f"{target.scheme}://{target.netloc}/" != base:
                continue  # another site (the repository), mailto:, data:
            checked += 1
            file = unquote(target.path.removeprefix("/"))
            if file == "" or file.endswith("/"):
                file += "index.html"
            if not (site / file).is_file():
                problems.append(f"{path}: <{tag}> {url} -> {file} does not exist")
            elif target.fragment and tag == "a":
                ids = pages[file].ids if file in pages else set()
                if unquote(target.fragment) not in ids:
                    problems.append(f"{path}: <a> {url}: no id {target.fragment!r} in {file}")
    assert not problems, "\n".join(problems)
    assert checked > 100


# ----------------------------------------------------------------------------------------
# The memory calculator: the form, typed into, against genai_docs.memory in this process.

_TRAINING = dict(
    mode="training",
    batch_size=1,
    seq_len=512,
    attention="sdpa",
    device="cuda",
    precision="mixed",
    optimizer="adamw",
    recompute="none",
    zero_stage=0,
    n_gpus=1,
    lora_rank=0,
    lora_targets="attention",
    qlora=False,
)
_INFERENCE = dict(
    mode="inference",
    batch_size=1,
    seq_len=512,
    attention="sdpa",
    device="cuda",
    dtype="fp16",
    new_tokens=1,
    sampling=False,
)
_GPT2_SIZES = dict(model="custom", family="gpt2", n_layer=6, d_model=512, n_head=8, d_ff=2048)
_GPT2_SIZES.update(vocab_size=32000, max_positions=2048)
_LLAMA_13B = dict(model="custom", family="llama", n_layer=40, d_model=5120, n_head=40)
_LLAMA_13B.update(n_kv_head=40, d_ff=13824, vocab_size=32000, tied=False)
_LLAMA_70B = dict(model="custom", family="llama", n_layer=80, d_model=8192, n_head=64)
_LLAMA_70B.update(n_kv_head=8, d_ff=28672, vocab_size=128256, tied=False)
_TINY_LLAMA = dict(model="custom", family="llama", n_layer=2, d_model=128, n_head=4)
_TINY_LLAMA.update(n_kv_head=2, d_ff=352, vocab_size=1000, tied=True)

# Each one is typed into the form field by field (the names of the form's fields are those
# of TrainingConfig and InferenceConfig), the registry's models and typed sizes, both modes.
CONFIGURATIONS = [
    {"model": "tinyllama-1.1b", **_TRAINING},
    {"model": "gpt2", **_TRAINING, "precision": "fp32", "batch_size": 8, "seq_len": 1024},
    {
        "model": "gpt2-medium",
        **_TRAINING,
        "precision": "bf16",
        "optimizer": "sgd",
        "attention": "eager",
    },
    {"model": "gpt2-large", **_TRAINING, "precision": "bf16", "zero_stage": 3, "n_gpus": 3},
    {
        "model": "gpt2-xl",
        **_TRAINING,
        "optimizer": "adam8bit",
        "recompute": "full",
        "device": "cpu",
    },
    {"model": "llama-2-7b", **_TRAINING, "zero_stage": 1, "n_gpus": 8, "seq_len": 2048},
    {"model": "llama-2-7b", **_TRAINING, "zero_stage": 2, "n_gpus": 8, "optimizer": "adam8bit"},
    {
        "model": "llama-3-8b",
        **_TRAINING,
        "zero_stage": 3,
        "n_gpus": 16,
        "recompute": "full",
        "batch_size": 4,
        "seq_len": 4096,
    },
    {
        "model": "mistral-7b",
        **_TRAINING,
        "precision": "bf16",
        "recompute": "full",
        "lora_rank": 16,
        "lora_targets": "all",
    },
    {
        "model": "llama-2-7b",
        **_TRAINING,
        "precision": "bf16",
        "seq_len": 2048,
        "lora_rank": 16,
        "qlora": True,
    },
    # fp32 with grouped-query attention on CUDA: no fused kernel, the eager formulas apply
    {"model": "tinyllama-1.1b", **_TRAINING, "precision": "fp32", "batch_size": 8},
    {
        "model": "tinyllama-1.1b",
        **_TRAINING,
        "precision": "fp32",
        "device": "cpu",
        "attention": "eager",
        "recompute": "full",
    },
    {"model": "llama-2-7b", **_INFERENCE, "seq_len": 2048, "dtype": "bf16"},
    {
        "model": "llama-3-8b",
        **_INFERENCE,
        "dtype": "int4",
        "new_tokens": 256,
        "sampling": True,
        "batch_size": 4,
    },
    {
        "model": "mistral-7b",
        **_INFERENCE,
        "dtype": "int8",
        "attention": "eager",
        "seq_len": 1024,
        "new_tokens": 32,
    },
    {
        "model": "gpt2",
        **_INFERENCE,
        "dtype": "fp32",
        "device": "cpu",
        "new_tokens": 20,
        "sampling": True,
    },
    {"model": "tinyllama-1.1b", **_INFERENCE, "dtype": "fp32", "new_tokens": 8, "batch_size": 2},
    {**_GPT2_SIZES, "tied": True, **_TRAINING, "precision": "fp32", "batch_size": 4},
    {**_GPT2_SIZES, "tied": False, **_INFERENCE, "new_tokens": 10, "attention": "eager"},
    {**_LLAMA_13B, **_TRAINING, "zero_stage": 3, "n_gpus": 8, "recompute": "full", "seq_len": 4096},
    {
        **_LLAMA_70B,
        **_TRAINING,
        "precision": "bf16",
        "lora_rank": 8,
        "qlora": True,
        "recompute": "full",
    },
    {
        **_LLAMA_70B,
        **_INFERENCE,
        "dtype": "int4",
        "batch_size": 8,
        "seq_len": 8192,
        "new_tokens": 100,
    },
    {
        **_TINY_LLAMA,
        **_INFERENCE,
        "dtype": "bf16",
        "attention": "eager",
        "device": "cpu",
        "new_tokens": 4,
    },
    {
        **_TINY_LLAMA,
        **_TRAINING,
        "precision": "bf16",
        "optimizer": "sgd",
        "zero_stage": 2,
        "n_gpus": 2,
    },
]
_SIZES = ("family", "n_layer", "d_model", "n_head", "n_kv_head", "d_ff", "vocab_size")


def test_the_configurations_cover_every_choice() -> None:
    seen: dict[str, set] = {}
    for config in CONFIGURATIONS:
        for key, value in config.items():
            seen.setdefault(key, set()).add(value)
    expected = {
        "model": {"custom", "gpt2", "tinyllama-1.1b", "llama-3-8b", "mistral-7b"},
        "family": {"gpt2", "llama"},
        "tied": {True, False},
        "mode": {"training", "inference"},
        "precision": {"fp32", "bf16", "mixed"},
        "optimizer": {"adamw", "sgd", "adam8bit"},
        "recompute": {"none", "full"},
        "attention": {"sdpa", "eager"},
        "device": {"cuda", "cpu"},
        "zero_stage": {0, 1, 2, 3},
        "qlora": {True, False},
        "lora_targets": {"attention", "all"},
        "dtype": {"fp32", "fp16", "bf16", "int8", "int4"},
        "sampling": {True, False},
    }
    missing = {key: values - seen.get(key, set()) for key, values in expected.items()}
    assert not any(missing.values()), missing
    assert len(CONFIGURATIONS) >= 20


def _python_calculator(config: dict) -> dict:
    """What ``genai-docs memory`` prints for ``config``, computed here with PyTorch's shapes."""
    from transformers import GPT2Config, LlamaConfig

    from genai_docs import french
    from genai_docs.memory import (
        InferenceConfig,
        TrainingConfig,
        estimate_inference,
        estimate_training,
        format_bytes,
        model_shape,
    )
    from genai_docs.memory.report import MOMENT_LABELS

    if config["model"] != "custom":
        shape = model_shape(config["model"])
    elif config["family"] == "gpt2":
        sizes = dict(n_layer=config["n_layer"], n_embd=config["d_model"], n_head=config["n_head"])
        sizes.update(n_inner=config["d_ff"], vocab_size=config["vocab_size"])
        sizes.update(n_positions=config["max_positions"], tie_word_embeddings=config["tied"])
        shape = model_shape(GPT2Config(**sizes))
    else:
        sizes = dict(hidden_size=config["d_model"], intermediate_size=config["d_ff"])
        sizes.update(num_hidden_layers=config["n_layer"], num_attention_heads=config["n_head"])
        sizes.update(num_key_value_heads=config["n_kv_head"], vocab_size=config["vocab_size"])
        shape = model_shape(LlamaConfig(**sizes, tie_word_embeddings=config["tied"]))
    common = {k: config[k] for k in ("batch_size", "seq_len", "attention", "device")}
    if config["mode"] == "training":
        names = (
            "precision",
            "optimizer",
            "recompute",
            "zero_stage",
            "n_gpus",
            "lora_rank",
            "lora_targets",
            "qlora",
        )
        cfg = TrainingConfig(**common, **{k: config[k] for k in names})
        estimate = estimate_training(shape, cfg)
    else:
        names = ("dtype", "new_tokens", "sampling")
        estimate = estimate_inference(
            shape, InferenceConfig(**common, **{k: config[k] for k in names})
        )
    total = estimate.total_bytes
    return {
        # the table of `genai-docs memory`: header, parts, total (Markdown's ** dropped)
        "rows": [
            [cell.strip().strip("*") for cell in line.strip("|").split("|")]
            for line in estimate.table("Go").splitlines()
            if not line.startswith("| ---")
        ],
        "total": f"{format_bytes(total, 'Go')} = {format_bytes(total, 'Gio')}",
        "peak": f"moment du pic : {MOMENT_LABELS[estimate.setting['peak_at']]}",
        "params": f"{french.number(shape.params, 0)} paramètres",
    }


# What the calculator shows, once it shows the form's last edit.
SHOWN = """() => {
  const out = document.getElementById("calculatrice-resultat");
  const text = (selector) => out.querySelector(selector)?.textContent ?? null;
  return {state: out.dataset.etat, loadMs: Number(out.dataset.chargement),
          readyMs: Number(out.dataset.pret),
          rows: [...out.querySelectorAll("tr")].map((tr) => [...tr.cells].map((c) => c.textContent)),
          title: text(".calculatrice-titre"), total: text(".calculatrice-somme"),
          peak: text(".calculatrice-pic"), error: text(".calculatrice-erreur"),
          footer: text(".calculatrice-pied")};
}"""
SETTLED = """() => {
  const out = document.getElementById("calculatrice-resultat");
  const form = document.getElementById("calculatrice");
  return out.dataset.version === form.dataset.version && ["pret", "erreur"].includes(out.dataset.etat);
}"""


def type_into_calculator(page, config: dict) -> dict:
    """Enter ``config`` in the form as a reader would, field by field; return what it shows."""
    form = page.locator("#calculatrice")
    form.locator("[name=model]").select_option(config["model"])
    if config["model"] == "custom":
        form.locator("[name=family]").select_option(config["family"])
    form.locator(f"[name=mode][value={config['mode']}]").check()
    for name, value in config.items():
        if name in ("model", "family", "mode"):
            continue
        field = form.locator(f"[name={name}]")
        kind = field.evaluate("field => field.type")
        if kind == "checkbox":
            field.set_checked(value)
        elif kind.startswith("select"):
            field.select_option(str(value))
        else:
            field.fill(str(value))
    page.wait_for_function(SETTLED)
    return page.evaluate(SHOWN)


@pytest.fixture
def calculator(browser, origin, site):
    """The calculator's page, loaded in a fresh context, with Python started in it."""
    context, page = open_page(browser, origin)
    errors, finished = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{origin}/{url_path(CALCULATOR)}", wait_until="load")
    assert page.evaluate(SHOWN)["state"] in ("chargement", "pret"), "the form waits for Python"
    page.wait_for_function(CALCULATOR_STARTED, timeout=PYTHON_READY_MS)
    page.wait_for_load_state("networkidle")
    page.errors, page.finished = errors, finished
    yield page
    context.close()


def test_calculator_shows_what_the_python_calculator_computes(calculator, capsys) -> None:
    page = calculator
    first = page.evaluate(SHOWN)
    assert first["state"] == "pret", first
    bodies = [request.response().body() for request in page.finished if request.response()]
    size, packed = sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)
    with capsys.disabled():
        print(
            f"\ncalculator: {size / 1e6:.1f} MB transferred ({packed / 1e6:.1f} MB gzip-compressed)"
            f" in {len(bodies)} requests; Python ready {first['readyMs'] / 1e3:.1f} s after"
            f" navigation ({first['loadMs'] / 1e3:.1f} s after the page's script started);"
            f" {first['footer']}"
        )
    mismatches = []
    for index, config in enumerate(CONFIGURATIONS):
        shown = type_into_calculator(page, config)
        expected = _python_calculator(config)
        got = {
            "rows": shown["rows"],
            "total": (shown["total"] or "").split(" : ", 1)[-1],
            "peak": shown["peak"],
            "params": (shown["title"] or "").split(" : ", 1)[-1].split(",")[0],
            "error": shown["error"],
        }
        if got != {**expected, "error": None}:
            mismatches.append(
                f"configuration {index} {config}:\n  shown    {got}\n  expected {expected}"
            )
    assert not mismatches, "\n".join(mismatches)
    assert not page.errors, page.errors
    assert not page.foreign, page.foreign


def test_calculator_explains_bad_sizes_in_french(calculator) -> None:
    page = calculator
    config = {**_TINY_LLAMA, **_INFERENCE, "n_head": 5}
    shown = type_into_calculator(page, config)
    assert shown["state"] == "erreur" and not shown["rows"], shown
    assert shown["error"] == "5 têtes ne divisent pas la largeur 128.", shown
    shown = type_into_calculator(page, {**config, "n_head": 4, "batch_size": ""})
    assert shown["error"] == "« batch » : entrez un nombre entier d'au moins 1.", shown
    shown = type_into_calculator(page, {**config, "n_head": 4})  # fixed: numbers again
    assert (
        shown["state"] == "pret"
        and shown["rows"] == _python_calculator({**config, "n_head": 4})["rows"]
    )
    assert not page.errors, page.errors


# ----------------------------------------------------------------------------------------
# The hands-on notebook, rendered by mkdocs-jupyter from the engine's executed .ipynb.


def test_notebook_page_shows_its_outputs_and_links_a_valid_notebook(page, origin) -> None:
    import nbformat

    page.goto(f"{origin}/atelier/", wait_until="load")
    shown = page.evaluate("""async () => {
      const texts = [...document.querySelectorAll(".jp-OutputArea-output pre")]
        .map((pre) => pre.textContent.trim()).filter((text) => text);
      const figures = [];
      for (const img of document.querySelectorAll(".jp-OutputArea-output img")) {
        try { await img.decode(); } catch (error) {}
        const box = img.getBoundingClientRect();
        figures.push([img.naturalWidth, img.naturalHeight, box.width, box.height]);
      }
      const link = [...document.querySelectorAll("a[href]")].find((a) => a.getAttribute("href").endsWith(".ipynb"));
      return {texts, figures, link: link ? link.href : null};
    }""")
    assert len(shown["texts"]) >= 3, shown["texts"]
    assert shown["figures"] and all(0 not in figure for figure in shown["figures"]), shown
    assert shown["link"] and shown["link"].endswith("/atelier.ipynb"), shown["link"]
    response = page.request.get(shown["link"])
    assert response.ok, response.status
    notebook = nbformat.reads(response.text(), as_version=nbformat.NO_CONVERT)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all("outputs" in cell for cell in code)
    outputs = [output for cell in code for output in cell.outputs]
    assert any(output.output_type == "stream" for output in outputs)
    assert any(
        "image/svg+xml" in output.get("data", {}) or "image/png" in output.get("data", {})
        for output in outputs
    )
    json.loads(response.text())  # plain JSON too, for any reader
