"""Every public function explains itself.

(The examples inside the docstrings run as doctests: ``cnnlib`` is one of
pytest's test paths and ``--doctest-modules`` is on.)
"""

import cnnlib


def test_every_public_function_has_a_docstring():
    for module in (cnnlib, cnnlib.functional):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj):
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"
