"""Shared fixtures for polterm's own tests."""
