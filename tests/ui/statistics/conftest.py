from tests.app.statistics.conftest import desk, march  # noqa: F401 - the hand-computed office
