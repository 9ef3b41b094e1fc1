"""Parts every language uses: tree-sitter source, call sites, string segments, source maps."""
