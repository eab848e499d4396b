// Names and roles that screen readers need and the page's libraries leave out
// (tests/test_browser.py runs axe-core on every page):
//
// - the handles of the explorers' sliders (noUiSlider, inside ipywidgets) have
//   the role "slider" but no name: they get the slider's description;
// - an explorer's picture (an ipywidgets Image) has no alt attribute: it gets
//   the words that cnnlib.widgets puts, out of sight, right after it;
// - a hidden cell's box (MyST-NB) is named "Toggle hidden content", a name
//   that hides what it says ("Show the solution"): the words are its name;
// - the bibliography is a list (role "list") whose entries carry the
//   deprecated role "doc-biblioentry" instead of "listitem".
//
// The widgets are drawn after the page loads, so this runs again whenever
// the page changes.
(function () {
  "use strict";

  function nameSliderHandles(root) {
    root.querySelectorAll('.noUi-handle[role="slider"]:not([aria-label])').forEach((handle) => {
      const widget = handle.closest(".widget-slider, .widget-hslider, .widget-vslider");
      const label = widget && widget.querySelector(".widget-label");
      let name = (label && label.textContent.trim()) || (widget && widget.title) || "value";
      const base = handle.closest(".noUi-base");
      if (base && base.querySelectorAll(".noUi-handle").length > 1) {
        name += handle.classList.contains("noUi-handle-upper") ? ", upper end" : ", lower end";
      }
      handle.setAttribute("aria-label", name);
    });
  }

  function describeWidgetImages(root) {
    root.querySelectorAll(".cnnlib-picture-text").forEach((words) => {
      // the explorer's picture is the widget just before its words
      const image = words.previousElementSibling && words.previousElementSibling.matches("img")
        ? words.previousElementSibling : null;
      const text = words.textContent.trim();
      if (!image) return;
      if (image.getAttribute("alt") !== text) image.setAttribute("alt", text);
      words.setAttribute("aria-hidden", "true");  // read once, as the image's alt text
    });
  }

  function nameHiddenCells(root) {
    root.querySelectorAll('details.hide > summary[aria-label="Toggle hidden content"]')
      .forEach((summary) => summary.removeAttribute("aria-label"));
  }

  function listBibliography(root) {
    root.querySelectorAll('.citation-list[role="list"] > [role="doc-biblioentry"]')
      .forEach((entry) => entry.setAttribute("role", "listitem"));
  }

  function fix() {
    nameSliderHandles(document);
    describeWidgetImages(document);
    nameHiddenCells(document);
    listBibliography(document);
  }

  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(() => {
      queued = false;
      fix();
    });
  });
  document.addEventListener("DOMContentLoaded", () => {
    fix();
    observer.observe(document.body, {
      childList: true, subtree: true, characterData: true,
    });
  });
})();
