from prism_lint.cli import entry

entry()
