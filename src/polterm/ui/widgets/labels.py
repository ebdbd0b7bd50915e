"""Field labels that stay visible once a field has a value: the placeholder as border title."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Input, Select


def label_fields(root: DOMNode) -> None:
    """Give `root` and each Input and Select under it a border title naming what it holds."""
    for node in (root, *root.walk_children()):
        if isinstance(node, Input):
            node.border_title = node.placeholder
        elif isinstance(node, Select):
            node.border_title = node.prompt if node.prompt != "Select" else node.id
