"""Each figure of a chapter gets the alternative text its notebook stores for it.

A chapter's figures are PNG outputs. :func:`cnnlib.plotting.use_compact_png`
stores a sentence that says what each figure shows in the output's metadata,
``{"image/png": {"alt": "..."}}``, but MyST-NB reads only ``width`` and
``height`` from there, and the page would describe the image by its file
name. MyST-NB names each image file by the SHA-256 of its bytes, so after a
notebook is read this finds, for each image, the output it came from and
sets the image's ``alt``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from docutils import nodes

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


def stored_alt_texts(notebook: Path) -> dict[str, str]:
    """{sha256 of an image output's bytes: its stored alt text} for one notebook."""
    texts = {}
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        for output in cell.get("outputs", []):
            for mime in IMAGE_TYPES:
                data = output.get("data", {}).get(mime)
                alt = output.get("metadata", {}).get(mime, {}).get("alt")
                if data and alt:
                    raw = base64.b64decode("".join(data) if isinstance(data, list) else data)
                    texts[hashlib.sha256(raw).hexdigest()] = str(alt)
    return texts


def set_alt_texts(app, doctree) -> None:
    source = Path(app.env.doc2path(app.env.docname))
    if source.suffix != ".ipynb":
        return
    texts = stored_alt_texts(source)
    for image in doctree.findall(nodes.image):
        digest = Path(str(image.get("uri", ""))).stem
        if digest in texts and not image.get("alt"):
            image["alt"] = texts[digest]


def setup(app):
    app.connect("doctree-read", set_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
