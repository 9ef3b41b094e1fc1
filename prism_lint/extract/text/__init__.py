"""Markdown and plain-text prompt files."""
