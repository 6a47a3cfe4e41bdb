import pytest

from lianyun.testing import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()
