"""PySide6 widgets, item models and dialogs; calls app/ services only."""

from ui.qt_compat import protect_none_refcount

protect_none_refcount()
