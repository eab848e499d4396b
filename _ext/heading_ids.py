"""Heading anchors that are the same in the book and in JupyterLab.

The chapters link to sections with plain Markdown links, ``[Stride](#Stride-(E2))``
or ``[E1](convolution.ipynb#Worked-example-E1,-one-position-at-a-time)``, so that
the links also work where the notebooks are read without Sphinx. JupyterLab
gives each heading the id made from its text with every space replaced by a
hyphen (``createHeaderId`` in @jupyterlab/rendermime); MyST resolves such links
through its heading anchors (``myst_heading_anchors`` in _config.yml), whose
slugs this function makes the same way. The pages' HTML ids stay Sphinx's own.
"""

from __future__ import annotations


def jupyterlab_id(title: str) -> str:
    """The id JupyterLab gives a heading whose text is ``title``.

    >>> jupyterlab_id("Worked example E1, one position at a time")
    'Worked-example-E1,-one-position-at-a-time'
    """
    return title.replace(" ", "-")


def setup(app):
    # Nothing to register: listed in local_extensions so that _ext is importable
    # when MyST loads myst_heading_slug_func.
    return {"parallel_read_safe": True, "parallel_write_safe": True}
