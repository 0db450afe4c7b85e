// Render the formulas that pymdownx.arithmatex (generic mode) leaves in the page, \(...\)
// inline and \[...\] displayed, with the site's own copy of KaTeX (see
// genai_docs/mkdocs/vendor.py). A formula KaTeX cannot parse stays as its source and is
// reported as a console error, which the browser tests fail on.
document$.subscribe(() => {
  for (const element of document.querySelectorAll(".arithmatex")) {
    if (element.querySelector(".katex")) continue; // already rendered
    const source = element.textContent.trim();
    const tex = /^\\[([]/.test(source) ? source.slice(2, -2) : source;
    try {
      katex.render(tex, element, {
        displayMode: element.tagName === "DIV",
        throwOnError: true,
      });
    } catch (error) {
      console.error(`KaTeX: ${error.message}: ${source}`);
    }
  }
});
