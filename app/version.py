"""Single source of the application version (read by pyproject and the installer)."""

__version__ = "0.1.0"
