"""Two fixes for the pages that show stored widgets.

MyST-NB renders stored widgets with the widget manager
@jupyter-widgets/html-manager 1.0.6, loaded with require.js from a CDN
(``nb_ipywidgets_js`` in _config.yml). On such pages this adds, before
require.js, a script that

1. tells require.js where the manager's modules live. The manager computes
   the address of its icon fonts (the buttons of a Play widget) from its
   modules' addresses, which are otherwise relative to the page, where the
   fonts are not (a 404 for every font);
2. lets the widgets' labels be typeset by MathJax 3. The widgets call MathJax
   2's ``MathJax.Hub.Queue``, which does not exist in the MathJax 3 of the
   book, so every label threw an error.
"""

from __future__ import annotations

import json

# The AMD modules that embed-amd.js defines.
MODULES = [
    "@jupyter-widgets/base",
    "@jupyter-widgets/controls",
    "@jupyter-widgets/html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd",
]

MATHJAX2_QUEUE = """
document.addEventListener("DOMContentLoaded", () => {
  // The widgets render on "load", after MathJax 3 has replaced window.MathJax.
  const mathjax = window.MathJax;
  if (!mathjax || !mathjax.startup || mathjax.Hub) return;
  mathjax.Hub = {
    Queue(job) {
      const element = Array.isArray(job) ? job[2] : undefined;
      return mathjax.startup.promise.then(() =>
        mathjax.typesetPromise(element ? [element] : undefined));
    },
  };
});
"""


def add_fixes(app, pagename, templatename, context, doctree) -> None:
    managers = [
        str(script.filename)
        for script in context.get("script_files") or []
        if "/html-manager@" in str(script.filename)
        and str(script.filename).endswith("/embed-amd.js")
    ]
    if not managers:
        return
    folder = managers[0].rsplit("/", 1)[0]
    paths = {name: f"{folder}/{name.rsplit('/', 1)[-1]}" for name in MODULES}
    # A global `require` object defined before require.js loads is its configuration.
    config = f"var require = {json.dumps({'paths': paths})};"
    app.add_js_file(None, body=config + MATHJAX2_QUEUE, priority=400)


def setup(app):
    app.connect("html-page-context", add_fixes, priority=600)  # after MyST-NB's scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
