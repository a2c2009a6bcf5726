"""Run first by every ytdesk child process the tests start (tests/support.py puts this folder
on its PYTHONPATH): the child migrates with the migrations of the tree under test, as
conftest makes the tests' own process do. An editable install made from another checkout
would otherwise hand over its own folder, and a child would open a library whose newest
columns it never added."""

import importlib.util
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent.parent / "migrations"

_spec = importlib.util.spec_from_file_location(
    "ytdesk.migrations", FOLDER / "__init__.py", submodule_search_locations=[str(FOLDER)])
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["ytdesk.migrations"] = _module
    _spec.loader.exec_module(_module)
