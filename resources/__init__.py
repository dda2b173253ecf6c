"""Bundled data: default dictionaries, deadline rules, letter texts, icons."""
