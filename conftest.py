"""Shared personas and fixtures for every app's tests live in tests/fixtures.py."""

pytest_plugins = ["tests.database", "tests.fixtures", "tests.browser"]
