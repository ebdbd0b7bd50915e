"""A generated, deterministic demo district that shows every rule of both seed policies."""
