// The memory calculator of docs/calculatrice.md (loaded by overrides/main.html on that page
// only). The formulas are not here: the form's fields go, as strings, to the library's own
// Python code, run in the browser by Pyodide, and what comes back is shown as it is.
//
// - Pyodide (npm, vendored: mkdocs.yml, option `vendor`) loads from assets/vendor/pyodide/.
// - The modules of genai_docs.memory are the repository's files, served by the site under
//   assets/calculatrice/ (same option); the build lists them, with the exact shapes of the
//   registry's models, in the page's JSON (snippets/calculatrice/registre.py).
// - snippets/calculatrice/calcul.py turns the fields into a TrainingConfig or an
//   InferenceConfig and the estimate into the table of `genai-docs memory`
//   (calculer_json); the site serves it next to the page's other snippets.
//
// « Réglages de la leçon »: buttons that fill the form with the settings of the Mémoire
// lesson's figures (genai_docs/memory/presets.py, in the registry's JSON). The result shows
// the table, a stacked bar of the parts (the colours of the lesson's figure), the time.
//
// The form works at once; the results wait for Python (« Chargement du calculateur… »).
// #calculatrice-resultat says where it stands, for the reader and for the browser tests:
// data-etat (chargement, pret, erreur, echec) and data-version (the form's edit it shows).

const form = document.getElementById("calculatrice");
const output = document.getElementById("calculatrice-resultat");
const site = new URL("..", import.meta.url); // this file is javascripts/calculatrice.js
const PYODIDE = "assets/vendor/pyodide/";
const DELAY_MS = 150; // wait for the reader to stop typing
// matplotlib's default colours, in the order of the parts (report.PART_LABELS), as in the
// lesson's figure
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

let registry = null; // {modeles: {name: ModelShape fields}, modules: [paths]}
let version = 0;
let timer = null;
let calculate = null; // calcul.calculer_json, once Python is ready
let registryText = "";
let footer = "";

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function status(state, ...nodes) {
  output.dataset.etat = state;
  output.replaceChildren(...nodes);
}

function readRegistry() {
  const script = document.getElementById("registre-calculatrice");
  if (!script) return null; // a site built without executing its blocks
  registryText = script.textContent;
  const registry = JSON.parse(registryText);
  const custom = form.elements.model.querySelector('option[value="custom"]');
  for (const name of Object.keys(registry.modeles)) {
    custom.before(new Option(name, name, false, name === "tinyllama-1.1b"));
  }
  const presets = document.getElementById("calculatrice-reglages");
  for (const [label, fields] of Object.entries(registry.reglages || {})) {
    const button = element("button", label, "md-button calculatrice-reglage");
    button.type = "button";
    button.style.cssText = "font-size:.7rem;padding:.25em .8em;margin:.2em .4em .2em 0";
    button.addEventListener("click", () => applyPreset(fields));
    presets?.append(button);
  }
  return registry;
}

// A preset: every field it names, as a reader would set them; then one computation.
function applyPreset(fields) {
  const elements = form.elements;
  for (const [name, value] of Object.entries(fields)) {
    const field = elements[name];
    if (!field) continue;
    if (name === "mode") {
      for (const radio of field) radio.checked = radio.value === value;
    } else if (field.type === "checkbox") {
      field.checked = value === "on";
    } else {
      field.value = value;
    }
  }
  form.dataset.modele = elements.model.value;
  showFields();
  version += 1;
  form.dataset.version = version;
  clearTimeout(timer);
  timer = setTimeout(compute, DELAY_MS);
}

// The fields that apply: the mode's fieldsets, the custom sizes, each family's own sizes.
function showFields() {
  const mode = form.elements.mode.value;
  for (const node of document.querySelectorAll("[data-mode]")) {
    node.hidden = node.dataset.mode !== mode;
  }
  const mixed = form.elements.precision.value === "mixed";
  for (const node of form.querySelectorAll("[data-precision]")) node.hidden = !mixed;
  const family = form.elements.family.value;
  form.querySelector(".calculatrice-tailles").hidden = form.elements.model.value !== "custom";
  for (const node of form.querySelectorAll("[data-famille]")) {
    node.hidden = node.dataset.famille !== family;
  }
}

// « Tailles personnalisées » starts from the model chosen before: its sizes, to edit.
function copySizes(shape) {
  const fields = form.elements;
  fields.family.value = shape.family;
  for (const name of ["n_layer", "d_model", "n_head", "n_kv_head", "d_ff", "vocab_size"]) {
    fields[name].value = shape[name];
  }
  if (shape.family === "gpt2") fields.max_positions.value = shape.param_shapes[1][0];
  fields.tied.checked = shape.head_params === 0;
}

function table(head, rows) {
  const tableNode = element("table");
  const header = tableNode.createTHead().insertRow();
  for (const text of head) header.append(element("th", text));
  const body = tableNode.createTBody();
  rows.forEach((cells, index) => {
    const row = body.insertRow();
    if (index === rows.length - 1) row.className = "calculatrice-total";
    for (const text of cells) row.append(element("td", text));
  });
  // the wrappers Material puts around the tables of a page
  const scroll = element("div", undefined, "md-typeset__scrollwrap");
  const wrap = element("div", undefined, "md-typeset__table");
  wrap.append(tableNode);
  scroll.append(wrap);
  return scroll;
}

// The parts of the peak as one stacked bar, with a legend (shares of the total).
function bar(parts) {
  const box = element("div", undefined, "calculatrice-barre");
  const strip = element("div");
  strip.style.cssText = "display:flex;height:1.6em;border-radius:.2em;overflow:hidden;margin:.4em 0";
  strip.setAttribute("role", "img");
  strip.setAttribute("aria-label", parts.map((p) => `${p.partie} ${p.part} %`).join(", "));
  const legend = element("ul");
  legend.style.cssText = "display:flex;flex-wrap:wrap;gap:.3em 1.2em;list-style:none;margin:0;padding:0";
  for (const part of parts) {
    const colour = COLOURS[part.rang % COLOURS.length];
    const segment = element("span");
    segment.style.cssText = `width:${part.part}%;background:${colour}`;
    segment.title = `${part.partie} : ${part.part.toLocaleString("fr-FR")} %`;
    strip.append(segment);
    const item = element("li", `${part.partie} (${part.part.toLocaleString("fr-FR")} %)`);
    item.style.cssText = `border-left:.8em solid ${colour};padding-left:.3em;margin:0`;
    legend.append(item);
  }
  box.append(strip, legend);
  return box;
}

function show(result, shown) {
  output.dataset.version = shown;
  if (result.erreur) {
    const error = element("p", result.erreur, "calculatrice-erreur");
    error.setAttribute("role", "alert");
    status("erreur", error);
    return;
  }
  const cards = element("ul", undefined, "calculatrice-cartes");
  for (const card of result.cartes) {
    const item = element("li", `${card.texte} : ${card.tient ? "tient" : "ne tient pas"}`);
    item.className = card.tient ? "tient" : "ne-tient-pas";
    cards.append(item);
  }
  status(
    "pret",
    element("p", result.titre, "calculatrice-titre"),
    table(result.entete, result.lignes),
    element("p", result.total, "calculatrice-somme"),
    bar(result.barre),
    element("p", result.pic, "calculatrice-pic"),
    cards,
    ...result.remarques.map((text) => element("p", text, "calculatrice-remarque")),
    ...result.temps.map((text) => element("p", text, "calculatrice-temps")),
    element("p", footer, "calculatrice-pied"),
  );
}

function compute() {
  timer = null;
  if (!calculate) return; // Python is still loading: it computes once ready
  const fields = {};
  for (const [name, value] of new FormData(form)) fields[name] = value;
  let result;
  try {
    result = JSON.parse(calculate(JSON.stringify(fields), registryText));
  } catch (error) {
    console.error("calculatrice :", error);
    status("echec", element("p", `Erreur du calculateur : ${error}`, "calculatrice-erreur"));
    return;
  }
  show(result, version);
}

function edited(event) {
  if (event.target.name === "model" && event.target.value === "custom" && registry) {
    const previous = registry.modeles[form.dataset.modele];
    if (previous) copySizes(previous);
  }
  if (event.target.name === "family") form.elements.tied.checked = event.target.value === "gpt2";
  if (form.elements.model.value !== "custom") form.dataset.modele = form.elements.model.value;
  showFields();
  version += 1;
  form.dataset.version = version;
  clearTimeout(timer);
  timer = setTimeout(compute, DELAY_MS);
}

async function startPython(registry) {
  const started = performance.now();
  const { loadPyodide } = await import(new URL(`${PYODIDE}pyodide.mjs`, site).href);
  const files = registry.modules.map((path) => [`assets/calculatrice/${path}`, path]);
  files.push(["snippets/calculatrice/calcul.py", "calcul.py"]);
  const [pyodide, ...sources] = await Promise.all([
    loadPyodide({ indexURL: new URL(PYODIDE, site).href }),
    ...files.map(async ([url]) => {
      const response = await fetch(new URL(url, site));
      if (!response.ok) throw new Error(`${url} : HTTP ${response.status}`);
      return response.text();
    }),
  ]);
  files.forEach(([, path], index) => {
    const file = `/calculatrice/${path}`;
    pyodide.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    pyodide.FS.writeFile(file, sources[index]);
  });
  pyodide.runPython('import sys; sys.path.insert(0, "/calculatrice")');
  const python = pyodide.runPython("sys.version.split()[0]");
  calculate = pyodide.pyimport("calcul").calculer_json;
  footer = `Calculé dans votre navigateur par Python ${python} (Pyodide ${pyodide.version}).`;
  output.dataset.chargement = Math.round(performance.now() - started); // ms, from this script
  output.dataset.pret = Math.round(performance.now()); // ms, from the page's navigation
}

if (form) {
  registry = readRegistry();
  form.dataset.version = version;
  if (form.elements.model.value !== "custom") form.dataset.modele = form.elements.model.value;
  showFields();
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  if (!registry) {
    status(
      "echec",
      element(
        "p",
        "Le registre des modèles n'a pas été calculé : ce site a été construit sans exécuter ses exemples.",
        "calculatrice-erreur",
      ),
    );
  } else {
    startPython(registry).then(compute, (error) => {
      console.error("calculatrice :", error);
      status("echec", element("p", `Le calculateur n'a pas pu démarrer : ${error}`, "calculatrice-erreur"));
    });
  }
}
