"""The language server (``prism-lint server``).

pygls is imported only when the server starts, so that ``prism-lint check``
never pays for it.
"""

from __future__ import annotations

import logging
import sys


def serve() -> int:
    """Run the server on stdio until the client says exit."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="prism-lint server: %(message)s"
    )
    try:
        from prism_lint.lsp.server import server
    except ImportError as exc:  # pygls is an optional dependency
        sys.stderr.write(
            f"prism-lint: error: the language server needs pygls ({exc}); "
            "install it with: pip install 'prism-lint[lsp]'\n"
        )
        return 2
    from prism_lint.lsp.stdio import serve_stdio

    return serve_stdio(server, sys.stdin.buffer, sys.stdout.buffer)
