"""The case tests' desk (a user per role on a copy of one template database) for reminder tests."""

from tests.app.cases.conftest import desk, desk_template  # noqa: F401 - fixtures
