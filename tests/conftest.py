"""Shared test settings: hypothesis profiles and small network builders."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
# CI draws the same examples on every run (a failure there is reproducible and blocks nothing
# at random); a developer's runs draw new ones each time and explore further.
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True, derandomize=True,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
