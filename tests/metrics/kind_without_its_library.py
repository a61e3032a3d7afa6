"""A kind of source whose library is not installed (tests/metrics/test_configuration.py)."""

import a_library_nobody_installed  # noqa: F401
