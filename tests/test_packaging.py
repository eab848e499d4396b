"""cnnlib as PyPI will have it, and a chapter run from the wheel alone, offline.

The sdist and the wheel are built from this environment (``python -m build
--no-isolation``: the wheel is built from the sdist, so the sdist must hold
everything the wheel needs) and checked with ``twine check --strict``, as PyPI
checks an upload. The wheel is then installed into a new virtual environment
from its file alone. There is no network at test time, so that environment
gets NumPy, matplotlib, Jupyter and the rest from this one, through a folder of
links to this environment's packages without cnnlib (neither its editable
install nor the repository is visible there). In it:

- the Colab path: a kernel in which ``google.colab`` is imported runs the
  chapters' first cell (tests/colab_cell.py), whose ``%pip install
  "cnnlib[book]==<version>"`` is answered from the folder of the built wheel
  (``PIP_NO_INDEX``, ``PIP_FIND_LINKS``), and cnnlib then loads the bundled
  MNIST test set;
- a chapter, alone in an empty folder, runs from top to bottom in a kernel of
  that environment and reproduces its stored outputs;
- a wheel installed under another prefix than the environment's (as pip does
  in Colab, into /usr/local) still finds its MNIST files.

The ``book`` extra is checked against every import of every chapter, both ways.
"""

from __future__ import annotations

import ast
import configparser
import email.parser
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import venv
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.colab_cell import CELL_ID, cell_source, cnnlib_version, ensure_first_cell, is_colab_cell
from tests.execute_notebooks import join_streams

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTER = ROOT / "chapters" / "images.ipynb"  # quick, and it uses scikit-learn's sample images
MNIST = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "README.md")
# cnnlib imports it only for load_mnist()'s download, which no chapter calls.
NOT_FOR_THE_CHAPTERS = {"pooch"}

# Run in the new environment: where cnnlib and its MNIST files came from.
WHERE_FROM = """\
import json, sys
import cnnlib
from cnnlib.datasets import bundled_mnist_dir, load_mnist_test_bundled
x, y = load_mnist_test_bundled()
print(json.dumps({"file": cnnlib.__file__, "version": cnnlib.__version__,
                  "mnist": str(bundled_mnist_dir()), "shape": list(x.shape),
                  "prefix": sys.prefix, "path": sys.path}))"""


def run(args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return proc


# --- the built artifacts ----------------------------------------------------------------


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """A folder with the sdist and the wheel built from the repository, offline."""
    out = tmp_path_factory.mktemp("dist")
    start = time.monotonic()
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], cwd=ROOT)
    print(f"sdist and wheel built in {time.monotonic() - start:.1f} s")
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("cnnlib-*.whl")
    return wheel


def wheel_metadata(dist: Path):
    wheel = wheel_of(dist)
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def test_the_artifacts_are_named_for_cnnlib_version(dist):
    version = cnnlib_version()
    assert sorted(p.name for p in dist.iterdir()) == [
        f"cnnlib-{version}-py3-none-any.whl",
        f"cnnlib-{version}.tar.gz",
    ]
    assert wheel_metadata(dist)["Version"] == version


def test_twine_accepts_both_artifacts_strictly(dist):
    artifacts = sorted(dist.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, artifacts)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    print(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == len(artifacts) == 2
    assert "WARNING" not in proc.stdout + proc.stderr


def test_the_sdist_holds_what_the_wheel_needs_and_no_tests(dist):
    (sdist,) = dist.glob("cnnlib-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cnnlib").rglob("*.py")}
    assert package <= names, f"the sdist lacks {sorted(package - names)}"
    assert {f"data/mnist/{name}" for name in MNIST} <= names
    assert {"LICENSE", "README.md", "pyproject.toml"} <= names
    assert not [n for n in names if n.startswith(("tests/", "chapters/"))]


def test_the_wheel_carries_the_package_the_mnist_files_and_both_licences(dist):
    version = cnnlib_version()
    with zipfile.ZipFile(wheel_of(dist)) as archive:
        names = set(archive.namelist())
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cnnlib").rglob("*.py")}
    assert package <= names, f"the wheel lacks {sorted(package - names)}"
    data = f"cnnlib-{version}.data/data/share/cnnlib/mnist"
    assert {f"{data}/{name}" for name in MNIST} <= names
    licences = f"cnnlib-{version}.dist-info/licenses"
    assert {f"{licences}/LICENSE", f"{licences}/data/mnist/README.md"} <= names
    assert not [n for n in names if n.startswith(("tests/", "chapters/", "data/"))]


def test_the_metadata_is_complete_for_pypi(dist):
    meta = wheel_metadata(dist)
    assert meta["Name"] == "cnnlib" and meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "MIT AND CC-BY-SA-3.0"
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()
    classifiers = meta.get_all("Classifier")
    for minor in (10, 11, 12, 13):  # what .github/workflows/test.yml tests
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert meta["Keywords"]
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]["url"].rstrip("/")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls == {"Source": repository, "Issues": f"{repository}/issues"}


# --- the book extra against the chapters' imports ---------------------------------------


def code_of(notebook: Path):
    """The Python of each code cell, with IPython's magics turned into calls."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            yield TransformerManager().transform_cell(cell.source)


def top_level_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def distributions_for(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Third-party modules -> their distributions (canonical names), with who imports them."""
    owners = importlib.metadata.packages_distributions()
    needed: dict[str, set[str]] = {}
    for module, users in modules.items():
        if module in sys.stdlib_module_names or module in {"cnnlib", "__future__"}:
            continue
        assert module in owners, f"no installed distribution provides {module!r} ({users})"
        for distribution in owners[module]:
            needed.setdefault(canonicalize_name(distribution), set()).update(users)
    return needed


def test_the_book_extra_is_exactly_what_the_chapters_import(dist):
    meta = wheel_metadata(dist)
    book, base = set(), set()
    for line in meta.get_all("Requires-Dist"):
        requirement = Requirement(line)
        extra = requirement.marker and requirement.marker.evaluate({"extra": "book"})
        if requirement.marker is None:
            base.add(canonicalize_name(requirement.name))
        elif extra:
            book.add(canonicalize_name(requirement.name))
            assert requirement.specifier, f"{requirement.name} needs a lower bound"
            assert all(s.operator == ">=" for s in requirement.specifier), requirement
    assert base == {"numpy"}

    modules: dict[str, set[str]] = {}
    for notebook in CHAPTERS:
        for source in code_of(notebook):
            for module in top_level_imports(source):
                modules.setdefault(module, set()).add(notebook.name)
    # cnnlib itself imports, for the chapters, ipywidgets (its explorers) and tqdm (fit's bars)
    for path in (ROOT / "cnnlib").rglob("*.py"):
        for module in top_level_imports(path.read_text(encoding="utf-8")):
            if module not in NOT_FOR_THE_CHAPTERS:
                modules.setdefault(module, set()).add(path.relative_to(ROOT).as_posix())
    needed = distributions_for(modules)
    assert {"numpy", "matplotlib", "myst-nb", "ipywidgets", "tqdm"} <= needed.keys()
    missing = {name: sorted(users) for name, users in needed.items() if name not in book | base}
    assert not missing, f"imported, but not in the book extra of pyproject.toml: {missing}"
    unused = book - needed.keys()
    assert not unused, f"in the book extra, but imported by no chapter or cnnlib: {unused}"


def test_no_chapter_reads_a_file_beside_it():
    """A chapter opened alone (Colab, a download) has no repository around it.

    Its pictures come from packages (scikit-learn's and matplotlib's sample
    images) and MNIST from cnnlib's installed data; a string in a code cell
    that names a file or folder of the repository would be a read beside it.
    """
    for notebook in CHAPTERS:
        for source in code_of(notebook):
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                    continue
                text = node.value.strip()
                looks_like_a_path = re.search(r"\w[/\\]|[/\\]\w|\w\.\w{1,5}$", text)
                if "\n" in text or not (looks_like_a_path or text.startswith("..")):
                    continue
                for base in (notebook.parent, ROOT):
                    assert not (base / text).exists(), f"{notebook.name} reads {base / text}"


def test_no_chapter_downloads_mnist():
    """Why pooch is not in the book extra: only load_mnist() downloads."""
    for notebook in CHAPTERS:
        for source in code_of(notebook):
            assert not re.search(r"\bload_mnist\(", source), notebook.name


# --- the chapters' first cell -----------------------------------------------------------


def test_the_install_cell_is_python_for_ipython_and_installs_this_version():
    source = cell_source()
    assert f'"cnnlib[book]=={cnnlib_version()}"' in source
    python = TransformerManager().transform_cell(source)
    assert "get_ipython().run_line_magic('pip', 'install --quiet" in python
    compile(python, "colab-install", "exec")
    assert all(len(line) <= 88 for line in source.splitlines())


def test_ensure_first_cell_inserts_then_updates_in_place():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title", id="title"),
        nbformat.v4.new_code_cell("import numpy as np", id="imports"),
    ]
    ensure_first_cell(nb)
    assert [c.id for c in nb.cells] == ["title", CELL_ID, "imports"]
    assert is_colab_cell(nb.cells[1])
    nb.cells[1].execution_count = 1  # as a run leaves it
    nb.cells[1].source = cell_source("0.0.1")  # an older version, moved to the end
    nb.cells.append(nb.cells.pop(1))
    ensure_first_cell(nb)
    assert [c.id for c in nb.cells] == ["title", CELL_ID, "imports"]
    assert is_colab_cell(nb.cells[1]) and nb.cells[1].execution_count == 1
    again = ensure_first_cell(nbformat.from_dict(json.loads(json.dumps(nb))))
    assert again == nb
    with pytest.raises(ValueError, match=r"nbformat 4\.5"):
        ensure_first_cell(nbformat.from_dict({"nbformat": 4, "nbformat_minor": 4, "cells": []}))


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_starts_with_the_install_cell(notebook):
    """Fails until `python -m tests.colab_cell chapters/*.ipynb` has been run (and committed)."""
    cells = nbformat.read(notebook, as_version=4).cells
    first = next(c for c in cells if c.cell_type == "code")
    assert is_colab_cell(first), (
        f"{notebook.name}: the first code cell is not the Colab install cell; run "
        f"`python -m tests.colab_cell chapters/{notebook.name}` and re-execute the chapter"
    )
    assert sum(c.get("id") == CELL_ID for c in cells) == 1


# --- a new environment with the wheel ---------------------------------------------------


def link(target: Path, place: Path) -> None:
    """A symbolic link, else (Windows without the right) a junction or a copy."""
    try:
        place.symlink_to(target, target_is_directory=target.is_dir())
    except OSError:
        if target.is_dir() and os.name == "nt":
            import _winapi

            _winapi.CreateJunction(str(target), str(place))
        elif target.is_dir():
            raise
        else:
            shutil.copy2(target, place)


def is_cnnlib(name: str) -> bool:
    return "cnnlib" in name.lower()


class Environment:
    """A new virtual environment that sees this one's packages, except cnnlib."""

    def __init__(self, home: Path):
        self.home = home
        home.mkdir(parents=True)
        venv.EnvBuilder(with_pip=False).create(home / "venv")
        bin_dir = home / "venv" / ("Scripts" if os.name == "nt" else "bin")
        self.python = bin_dir / ("python.exe" if os.name == "nt" else "python")
        ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
        self.site = Path(run([self.python, "-c", ask]).stdout.strip())
        # this environment's packages, cnnlib left out, seen after the new site-packages
        overlay = home / "packages"
        overlay.mkdir()
        ours = {Path(sysconfig.get_path(key)) for key in ("purelib", "platlib")}
        for folder in ours:
            for entry in folder.iterdir():
                if is_cnnlib(entry.name) or (overlay / entry.name).exists():
                    continue
                if entry.suffix == ".pth":
                    assert str(ROOT) not in entry.read_text(encoding="utf-8", errors="replace")
                link(entry, overlay / entry.name)
        (self.site / "_this_machine_s_packages.pth").write_text(
            f"import site; site.addsitedir({str(overlay)!r})\n", encoding="utf-8"
        )
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MPLBACKEND"}
            and not k.startswith(("PIP_", "JUPYTER", "IPYTHON"))
        }
        # pip sees no index and no configuration of this machine: only what a test names
        self.env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
        self.env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "JUPYTER_PATH": str(home / "jupyter")}
        self.env["IPYTHONDIR"] = str(home / "ipython")

    def installed(self) -> set[str]:
        return {p.name for p in self.site.glob("*.dist-info")}

    def kernel(self, name: str, *, exec_lines: str = "", env: dict | None = None) -> str:
        """A kernelspec that runs this environment's Python; returns its name."""
        argv = [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if exec_lines:
            argv.append(f"--IPKernelApp.exec_lines={exec_lines}")
        folder = self.home / "jupyter" / "kernels" / name
        folder.mkdir(parents=True)
        spec = {"argv": argv, "display_name": name, "language": "python", "env": env or {}}
        (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        return name

    def execute(self, nb, folder: Path, kernel: str, monkeypatch):
        """Run `nb` in `folder` with `kernel`, from this process with the environment's env."""
        with monkeypatch.context() as patch:
            for key in set(os.environ) - set(self.env):
                patch.delenv(key)
            for key, value in self.env.items():
                patch.setenv(key, value)
            client = NotebookClient(
                nb,
                timeout=300,
                kernel_name=kernel,
                resources={"metadata": {"path": str(folder)}},
                record_timing=False,
            )
            client.execute(cwd=str(folder))
        join_streams(nb)  # printed text arrives in pieces where the kernel flushed it
        return nb


@pytest.fixture
def fresh(tmp_path):
    environment = Environment(tmp_path / "fresh")
    probe = "import importlib.util as u, json; print(json.dumps([bool(u.find_spec(m)) for m in "
    probe += "('cnnlib', 'numpy', 'matplotlib', 'myst_nb', 'ipykernel', 'pip')]))"
    found = run([environment.python, "-c", probe], cwd=tmp_path, env=environment.env).stdout
    assert json.loads(found) == [False, True, True, True, True, True], found
    return environment


def where_from(outputs) -> dict:
    (line,) = [o.text for o in outputs if o.output_type == "stream" and o.name == "stdout"]
    return json.loads(line)


def assert_from_the_wheel(found: dict, environment: Environment, mnist: Path) -> None:
    assert found["version"] == cnnlib_version()
    assert Path(found["file"]).resolve().is_relative_to(environment.site.resolve())
    assert Path(found["mnist"]).resolve() == mnist.resolve()
    assert found["shape"] == [10_000, 28, 28, 1]
    for entry in found["path"]:
        if entry:
            assert not Path(entry).resolve().is_relative_to(ROOT), f"{entry} is in the repository"


def test_in_colab_the_first_cell_installs_the_wheel(dist, fresh, tmp_path, monkeypatch):
    """The chapters' first cell, in a kernel that has imported google.colab."""
    colab = "import sys, types; sys.modules['google.colab'] = types.ModuleType('google.colab')"
    kernel = fresh.kernel("colab", exec_lines=colab, env={"PIP_FIND_LINKS": str(dist)})
    nb = ensure_first_cell(nbformat.v4.new_notebook())
    nb.cells.append(nbformat.v4.new_code_cell(WHERE_FROM))
    folder = tmp_path / "colab"
    folder.mkdir()
    assert fresh.installed() == set()
    fresh.execute(nb, folder, kernel, monkeypatch)
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "Traceback" not in text and "ERROR" not in text, text
    # only cnnlib was installed: the book extra's packages were all there already
    assert fresh.installed() == {f"cnnlib-{cnnlib_version()}.dist-info"}
    mnist = Path(where_from(nb.cells[1].outputs)["prefix"]) / "share" / "cnnlib" / "mnist"
    assert_from_the_wheel(where_from(nb.cells[1].outputs), fresh, mnist)


def sanitizer():
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "sanitize.cfg", encoding="utf-8")
    rules = [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]

    def clean(text: str) -> str:
        for pattern, replace in rules:
            text = pattern.sub(replace, text)
        return text

    return clean


def comparable(outputs, clean) -> list:
    """An output list as strict nbval compares it: text, sanitised; images by kind only."""
    shown = []
    for output in outputs:
        if output.output_type == "stream":
            shown.append((output.name, clean(output.text)))
        elif output.output_type in {"display_data", "execute_result"}:
            data = output.get("data", {})
            shown.append(
                {k: k if k.startswith("image/") else clean(str(v)) for k, v in data.items()}
            )
        else:
            shown.append((output.output_type, clean(json.dumps(output))))
    return shown


def test_a_chapter_runs_alone_in_a_folder_from_the_wheel(dist, fresh, tmp_path, monkeypatch):
    """`pip install <the wheel file>`, then the chapter with nothing else beside it."""
    wheel = wheel_of(dist)
    run([fresh.python, "-m", "pip", "install", "--quiet", wheel], cwd=tmp_path, env=fresh.env)
    assert fresh.installed() == {f"cnnlib-{cnnlib_version()}.dist-info"}
    stored = nbformat.read(CHAPTER, as_version=4)
    nb = ensure_first_cell(nbformat.read(CHAPTER, as_version=4))
    nb.cells.append(nbformat.v4.new_code_cell(WHERE_FROM, id="where-from"))
    folder = tmp_path / "alone"
    folder.mkdir()
    nbformat.write(nb, folder / CHAPTER.name)
    start = time.monotonic()
    fresh.execute(nb, folder, fresh.kernel("wheel"), monkeypatch)
    print(f"{CHAPTER.name} ran from the wheel in {time.monotonic() - start:.1f} s")
    assert sorted(p.name for p in folder.iterdir()) == [CHAPTER.name]  # it wrote nothing

    cells = {c.id: c for c in nb.cells}
    assert cells[CELL_ID].outputs == []  # outside Colab the first cell is silent
    assert_from_the_wheel(
        where_from(cells["where-from"].outputs),
        fresh,
        Path(where_from(cells["where-from"].outputs)["prefix"]) / "share" / "cnnlib" / "mnist",
    )
    clean = sanitizer()
    compared = 0
    for cell in stored.cells:
        if cell.cell_type != "code" or "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        assert comparable(cells[cell.id].outputs, clean) == comparable(cell.outputs, clean), (
            f"cell {cell.id} of {CHAPTER.name} shows other outputs when run from the wheel"
        )
        compared += bool(cell.outputs)
    assert compared >= 5


def test_the_mnist_files_are_found_where_pip_put_them(dist, fresh, tmp_path):
    """pip as root in Colab installs into /usr/local, not sys.prefix (/usr): another prefix."""
    prefix = tmp_path / "usr-local"
    wheel = wheel_of(dist)
    args = [fresh.python, "-m", "pip", "install", "--quiet", "--prefix", prefix, wheel]
    run(args, cwd=tmp_path, env=fresh.env)
    site = next(prefix.rglob("cnnlib/__init__.py")).parents[1]
    env = fresh.env | {"PYTHONPATH": str(site)}
    found = json.loads(run([fresh.python, "-c", WHERE_FROM], cwd=tmp_path, env=env).stdout)
    assert Path(found["file"]).resolve().is_relative_to(site.resolve())
    assert not (Path(found["prefix"]) / "share" / "cnnlib").exists()
    assert Path(found["mnist"]).resolve() == (prefix / "share" / "cnnlib" / "mnist").resolve()
    assert found["shape"] == [10_000, 28, 28, 1]
