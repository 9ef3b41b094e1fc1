"""Jinja, Prompty and Dotprompt templates."""
