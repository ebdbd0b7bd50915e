"""The service layer: the one place that validates input, checks permissions and writes.

The CLI and the UI are two faces of it; neither writes SQL of its own.
"""
