"""MkDocs build hooks (filled in by the tools work)."""
