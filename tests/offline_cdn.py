"""Local copies of the CDN files the built book loads, for browser tests without network.

The pages of the book load a few files from CDNs: require.js and the Jupyter
widget manager on pages with stored widgets (``nb_ipywidgets_js`` in
_config.yml, with the npm files' integrity hashes) and the Font Awesome 4
icons of matplotlib's JavaScript animations. (MathJax is not among
them: sphinx-mathjax-offline puts it into the book itself.) The browser tests
answer those requests from the same versions of the same files, fetched once
from the npm registry with ``npm pack`` into ``.ci/cache/npm`` (ignored by git),
and refuse every other external request.

    python -m tests.offline_cdn     fetch the packages now (the tests do it too)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".ci" / "cache" / "npm"

# url (a prefix if it ends with "/") -> (npm package, exact version, path in the package)
COPIES = {
    "https://cdn.jsdelivr.net/npm/requirejs@2.3.4/": ("requirejs", "2.3.4", ""),
    "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/": (
        "@jupyter-widgets/html-manager",
        "1.0.6",
        "",
    ),
    "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/": ("font-awesome", "4.4.0", ""),
}


class Unavailable(RuntimeError):
    """The local copies cannot be made here (no npm, no registry)."""


def package_dir(name: str, version: str) -> Path:
    return CACHE / f"{name.replace('/', '+')}@{version}"


def fetch(packages: list[tuple[str, str]] | None = None, cache: Path = CACHE) -> None:
    """Download and unpack the npm packages (name, version), by default those of COPIES,
    that are not in the cache yet."""
    if packages is None:
        packages = [(name, version) for name, version, _ in COPIES.values()]
    missing = sorted(
        {(n, v) for n, v in packages if not (package_dir(n, v) / "package.json").exists()}
    )
    if not missing:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed; it fetches local copies of the book's CDN files")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        specs = [f"{name}@{version}" for name, version in missing]
        proc = subprocess.run(
            [npm, "pack", "--json", "--pack-destination", tmp, *specs],
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        if proc.returncode != 0:
            raise Unavailable(f"npm pack {' '.join(specs)} failed:\n{proc.stderr[-2000:]}")
        for packed in json.loads(proc.stdout):
            target = package_dir(packed["name"], packed["version"])
            unpacked = Path(tmp) / f"{target.name}.unpacked"
            with tarfile.open(Path(tmp) / packed["filename"]) as archive:
                if hasattr(tarfile, "data_filter"):  # Python 3.10.12 and newer
                    archive.extractall(unpacked, filter="data")
                else:
                    archive.extractall(unpacked)
            shutil.rmtree(target, ignore_errors=True)
            (unpacked / "package").rename(target)


def local_file(url: str) -> Path | None:
    """The local copy of a CDN url, or None if the url has none (or it is missing)."""
    parts = urlsplit(url)
    bare = f"{parts.scheme}://{parts.netloc}{parts.path}"  # no ?v=4.4.0 of the fonts
    for prefix, (name, version, inside) in COPIES.items():
        if prefix.endswith("/") and bare.startswith(prefix):
            path = package_dir(name, version) / inside / bare[len(prefix) :]
        elif bare == prefix:
            path = package_dir(name, version) / inside
        else:
            continue
        return path if path.is_file() else None
    return None


def is_copied(url: str) -> bool:
    """Whether the url is one of the CDN locations the tests answer from local copies."""
    bare = url.split("?", 1)[0].split("#", 1)[0]
    return any(bare.startswith(p) if p.endswith("/") else bare == p for p in COPIES)


if __name__ == "__main__":
    try:
        fetch()
    except Unavailable as exc:
        sys.exit(str(exc))
    print(f"local copies in {CACHE.relative_to(ROOT)}: " + ", ".join(sorted(COPIES)))
