"""An existing expert register moved in: a spreadsheet checked row by row, imported in
chunks that resume where they stopped, and its blank template.

A door of the people context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.people.register.imports import PROBLEMS_KEPT, ImportView, RegisterImports

__all__ = ["PROBLEMS_KEPT", "ImportView", "RegisterImports"]
