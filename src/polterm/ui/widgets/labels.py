"""Field labels that stay visible once a field has a value: the placeholder as border title."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Input, Select


def label_fields(root: DOMNode) -> None:
    """Give each Input and Select under `root` a border title naming what it holds."""
    for field in root.query(Input):
        field.border_title = field.placeholder
    for select in root.query(Select):
        select.border_title = select.prompt if select.prompt != "Select" else select.id
