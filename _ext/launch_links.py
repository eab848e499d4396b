"""Links for the book's text made from `repository` and `launch_buttons` in _config.yml.

Jupyter Book builds the launch buttons of each chapter from the repository's
url and branch; this extension makes the same links available to the text as
MyST substitutions, so the url is written in one place only:

- ``{{ binder_link }}``: JupyterLab in Binder, opened on the chapter folder;
- ``{{ binder_badge }}``: the same link as a badge (for pages at the top of the book);
- ``{{ repository_link }}``: the repository.

(In Colab, each chapter's first cell installs cnnlib itself: tests/colab_cell.py.)
"""

from __future__ import annotations

from urllib.parse import urlparse


def binder_url(repository: str, branch: str, binderhub: str, interface: str) -> str:
    """The url that launches the repository in a BinderHub, as the launch buttons do."""
    owner_repo = urlparse(repository).path.strip("/").removesuffix(".git")
    tree = "lab/tree" if interface == "jupyterlab" else "tree"
    return f"{binderhub.rstrip('/')}/v2/gh/{owner_repo}/{branch}?urlpath={tree}/chapters"


def add_links(app, config) -> None:
    options = config.html_theme_options
    repository = options.get("repository_url", "")
    launch = options.get("launch_buttons", {})
    if not repository or not launch.get("binderhub_url"):
        raise ValueError("_config.yml needs repository.url and launch_buttons.binderhub_url")
    url = binder_url(
        repository,
        options.get("repository_branch") or "main",
        launch["binderhub_url"],
        launch.get("notebook_interface", "jupyterlab"),
    )
    config.myst_substitutions = {
        **config.myst_substitutions,
        "binder_link": f"[Launch in Binder]({url})",
        "binder_badge": f"[![Launch in Binder](_static/binder-badge.svg)]({url})",
        "repository_link": f"[the repository]({repository})",
    }


def setup(app):
    app.connect("config-inited", add_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
