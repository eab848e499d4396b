"""The examples in the docstrings run and give what they show.

``pytest`` collects doctests only under its test paths, so the library's own
examples are run here.
"""

import doctest
import importlib
import pkgutil

import pytest

import cnnlib

MODULES = sorted(info.name for info in pkgutil.walk_packages(cnnlib.__path__, prefix="cnnlib."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_public_function_has_a_docstring():
    for module in (cnnlib, cnnlib.functional):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"
