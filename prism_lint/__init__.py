"""prism-lint: expert personas on accuracy-critical prompts."""

__version__ = "0.1.0"
