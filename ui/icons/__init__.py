"""Small SVG icons used by ui/style.qss (a package so that they are installed with it)."""
