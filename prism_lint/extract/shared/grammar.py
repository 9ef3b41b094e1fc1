"""The grammars' compiled languages, loaded without their packages' Python side.

Each grammar package (``tree_sitter_python``, ``tree_sitter_javascript``,
``tree_sitter_typescript``) is a C extension, ``_binding``, behind an
``__init__`` that imports :mod:`importlib.resources` to read query files
prism-lint never asks for. That import brings in tempfile, shutil, random,
bz2 and lzma: about 8 ms at the start of every run that reads a file with
the grammar, a tenth of a one-file run's start. So the extension is loaded
on its own, under its own name (a later import of the package finds it
there); anything unexpected falls back to importing the package.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
from types import ModuleType


def binding(package: str) -> ModuleType:
    """The grammar ``package``'s compiled extension, or the package itself
    (which offers the same functions) when it is laid out otherwise."""
    name = f"{package}._binding"
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    try:
        spec = importlib.util.find_spec(package)  # finds it; runs none of it
        places = spec.submodule_search_locations if spec is not None else None
        found = importlib.machinery.PathFinder.find_spec(name, places) if places else None
        if found is None or not isinstance(found.loader, importlib.machinery.ExtensionFileLoader):
            return importlib.import_module(package)
        module = importlib.util.module_from_spec(found)
        found.loader.exec_module(module)
    except ImportError:
        return importlib.import_module(package)
    sys.modules[name] = module
    return module
