"""The MkDocs site build: hooks and macros, the browser runtime and its snapshot,
single-council scope, the local server and `make dev`.
"""
