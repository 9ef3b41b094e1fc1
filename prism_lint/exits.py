"""Exit codes, and how a command reports an error that ends it.

Every command and the command line share these; a module of its own keeps
the commands from importing the command line that dispatches to them.
"""

from __future__ import annotations

import sys

from prism_lint.report.safe import printable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> int:
    """Print ``message`` as prism-lint's error (made safe to print) and give the error code."""
    sys.stderr.write(printable(f"prism-lint: error: {message}\n"))
    return EXIT_ERROR
