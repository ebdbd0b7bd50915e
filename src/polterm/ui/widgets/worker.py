"""Handing a worker's answer back to the event loop without racing the widget's removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.worker import get_current_worker


def answer(node: DOMNode, callback: Callable[..., None], *args: Any) -> None:
    """From a worker thread: run `callback(*args)` on the event loop, unless by then the worker
    was cancelled (a newer request replaced it, or its form was closed) or `node` left the DOM:
    a late answer for a closed form is dropped, never an error that ends the app."""
    worker = get_current_worker()

    def deliver() -> None:
        if not worker.is_cancelled and node.is_attached:
            callback(*args)

    node.app.call_from_thread(deliver)
