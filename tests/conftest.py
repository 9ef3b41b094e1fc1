"""The test session keeps the data's JSON copies (prism_lint.data) in its own
temporary folder: no test writes to the user's cache."""

from __future__ import annotations

import os

import pytest

# Until the session's folder exists (while test modules are collected), no copies at all.
os.environ["PRISM_LINT_DATA_CACHE"] = ""


@pytest.hookimpl(trylast=True)  # after the tmp_path plugin has set up its factory
def pytest_configure(config: pytest.Config) -> None:
    folder = config._tmp_path_factory.mktemp("data-cache")  # type: ignore[attr-defined]
    os.environ["PRISM_LINT_DATA_CACHE"] = str(folder)
