"""Alternative text for figures: a sentence that says what a figure shows.

A reader who cannot see a figure hears its alternative text instead. A
plotting function knows best what it drew and says so with
:func:`describe`; for any other figure, :func:`description` puts together
what the figure itself names: its title, each panel's title and axis
labels, the curves of its legends, and the images and colour bars it holds.

:func:`cnnlib.plotting.use_compact_png` stores the description with each
figure a chapter shows (the output's metadata), and the book writes it into
the page as the image's ``alt`` text.
"""

from __future__ import annotations

ATTRIBUTE = "cnnlib_description"


def describe(fig, text: str):
    """Give ``fig`` the alternative text ``text``; return ``fig``.

    >>> import matplotlib.pyplot as plt
    >>> fig = describe(plt.figure(), "The ReLU function, flat at 0 for negative inputs.")
    >>> description(fig)
    'The ReLU function, flat at 0 for negative inputs.'
    >>> plt.close(fig)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"text must be a sentence (a non-empty str); received text={text!r}")
    setattr(fig, ATTRIBUTE, " ".join(text.split()))
    return fig


def description(fig) -> str:
    """The alternative text of ``fig``: what :func:`describe` gave it, or one built from its labels.

    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> _ = fig.suptitle("Learning curves")
    >>> _ = a.set(title="loss", xlabel="epoch")
    >>> _ = b.set(title="accuracy", xlabel="epoch")
    >>> description(fig)
    'Figure: Learning curves. 2 panels: loss (x: epoch); accuracy (x: epoch).'
    >>> plt.close(fig)
    """
    given = getattr(fig, ATTRIBUTE, None)
    if given:
        return given
    title = fig._suptitle.get_text().strip() if fig._suptitle is not None else ""
    panels = [panel_words(ax) for ax in fig.axes if ax.get_visible() and not is_colorbar(ax)]
    panels = [words for words in panels if words]
    text = f"Figure: {title}." if title else "Figure."
    if len(panels) == 1:
        text += f" {sentence_case(panels[0])}."
    elif panels:
        text += f" {len(panels)} panels: " + "; ".join(panels) + "."
    elif len(fig.axes):
        text += f" {len(fig.axes)} unlabelled panels."
    return plain(text)


def plain(text: str) -> str:
    """Labels without matplotlib's mathtext markup: ``$j$`` reads as ``j``."""
    for markup, words in ((r"\times", "×"), (r"\cdot", "·"), ("\\", ""), ("$", "")):
        text = text.replace(markup, words)
    return " ".join(text.split())


def is_colorbar(ax) -> bool:
    return hasattr(ax, "_colorbar")


def panel_words(ax) -> str:
    """A few words for one panel: its title, axis labels, curves and images."""
    words = ax.get_title().strip() or ax.get_title(loc="left").strip()
    parts = []
    axes_labels = [
        (axis, label) for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
    ]
    labelled = [f"{axis}: {label.strip()}" for axis, label in axes_labels if label.strip()]
    if labelled:
        parts.append(", ".join(labelled))
    legend = ax.get_legend()
    if legend is not None:
        names = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if names:
            parts.append("curves " + ", ".join(names))
    images = ax.get_images()
    if images and not words:
        shape = images[0].get_array().shape
        parts.append(f"an image of {shape[0]}×{shape[1]} pixels")
    if parts:
        words = f"{words} ({'; '.join(parts)})" if words else "; ".join(parts)
    return words


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
