import pytest

from jifen.schemes import services


@pytest.fixture
def reference(world):
    """The school's 2025 reference standard, from Doc A's preset."""
    return services.create_from_preset(actor=world.users["org_admin"], org=world.school,
                                       year=2025, preset="jining-2017")
