// Render the math that pymdownx.arithmatex (generic mode) leaves in .arithmatex elements,
// with the KaTeX vendored under assets/katex. Runs on every page Material shows (document$).
const KATEX_OPTIONS = {
  throwOnError: false,   // a bad formula shows in red (.katex-error), which the tests look for
  strict: "ignore",
}
const SMALLEST = 0.6     // a display formula is never scaled below 60 % of its size

// A display formula wider than its box is scaled down to fit, no further than SMALLEST.
// Measured again whenever the box changes size (a window resized, a tab shown: a hidden
// tab's formulas have no width until then) and once KaTeX's fonts have loaded.
function fit(box) {
  if (box.clientWidth === 0) return
  let scale = 1
  box.style.fontSize = ""
  // A few parts of a formula keep their size (rules, struts): a second look corrects for them.
  for (let step = 0; step < 3 && box.scrollWidth > box.clientWidth && scale > SMALLEST; step++) {
    scale = Math.max(SMALLEST, scale * (box.clientWidth - 1) / box.scrollWidth)
    box.style.fontSize = `${scale * 100}%`
  }
}
const boxes = new Set()
const resized = new ResizeObserver(entries => {
  requestAnimationFrame(() => entries.forEach(entry => fit(entry.target)))
})
document.fonts.addEventListener("loadingdone", () => boxes.forEach(fit))

document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    if (element.querySelector(".katex")) continue
    const display = element.tagName === "DIV"
    const tex = element.textContent.trim()
      .replace(/^\\\(|\\\)$/g, "")
      .replace(/^\\\[|\\\]$/g, "")
    katex.render(tex, element, { ...KATEX_OPTIONS, displayMode: display })
    if (display) {
      boxes.add(element)
      resized.observe(element)
    }
  }
})

// Search results quote the pages' text, math as TeX between \( \) or \[ \]: typeset it.
// Material wraps the words searched for in <mark>, also inside the TeX: those are dropped.
const TEX = /\\\((.+?)\\\)|\\\[(.+?)\\\]/gs
function typesetResult(element) {
  if (element.dataset.typeset) return
  element.dataset.typeset = "true"
  element.innerHTML = element.innerHTML.replace(TEX, (_, inline, display) => {
    const scratch = document.createElement("div")
    scratch.innerHTML = inline ?? display   // the TeX as HTML: drop the <mark>s, decode &amp;
    return katex.renderToString(scratch.textContent, KATEX_OPTIONS)
  })
}
const results = new MutationObserver(() => {
  for (const element of document.querySelectorAll(".md-search-result__article")) {
    typesetResult(element)
  }
})
document$.subscribe(() => {
  const list = document.querySelector(".md-search-result__list")
  if (list) results.observe(list, { childList: true, subtree: true })
})
