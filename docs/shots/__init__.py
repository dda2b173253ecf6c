"""Screenshot functions, one module per screen family, called by docs/make_screenshots.py."""
