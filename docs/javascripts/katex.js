// Render the math that pymdownx.arithmatex (generic mode) leaves in .arithmatex elements,
// with the KaTeX vendored under assets/katex. Runs on every page Material shows (document$).
document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    if (element.querySelector(".katex")) continue
    const display = element.tagName === "DIV"
    const tex = element.textContent.trim()
      .replace(/^\\\(|\\\)$/g, "")
      .replace(/^\\\[|\\\]$/g, "")
    katex.render(tex, element, {
      displayMode: display,
      throwOnError: false,   // a bad formula shows in red (.katex-error), which the tests look for
      strict: "ignore",
    })
  }
})
