"""Write each inline script of a page once.

Under Sphinx 7.4 an inline script that an extension adds after the HTML
builder has started (sphinx-thebe and sphinx-togglebutton do, at
env-before-read-docs) appears twice in every page: the builder keeps its own
copy with ``filename=None`` and copies the registry's again with
``filename=""``. sphinx-thebe's script declares ``const THEBE_JS_URL``, so the
second copy throws "Identifier 'THEBE_JS_URL' has already been declared" on
every page. This drops the repeated copies, page by page.
"""

from __future__ import annotations


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # the builder's own list, restored after each page


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
