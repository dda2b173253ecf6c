"""PySide6 widgets, item models and dialogs; calls app/ services only."""
