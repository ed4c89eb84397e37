"""Rich text from a translated template: ``fill(_("Use {command}."), command=code("/x"))``.

A translation may move the placeholders anywhere in its sentence, so rich parts (bold names,
code, links) are slotted into the translated template rather than glued around it.
"""

from __future__ import annotations

import re

from bot.core.types import Span, Text

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, **parts: str | int | Span | Text) -> Text:
    """The template with each ``{name}`` replaced by its part (a name it lacks stays as is)."""
    pieces: list[str | Span | Text] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name not in parts:
            continue
        if match.start() > position:
            pieces.append(template[position : match.start()])
        value = parts[name]
        pieces.append(str(value) if isinstance(value, int) else value)
        position = match.end()
    if position < len(template):
        pieces.append(template[position:])
    return Text.of(*pieces)
