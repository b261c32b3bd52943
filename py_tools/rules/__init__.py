"""The rules: read the YAML rule files, check them, enumerate paths, duty coverage,
anchors, services, the validated bundle. CPython only; imports the engine.
"""
