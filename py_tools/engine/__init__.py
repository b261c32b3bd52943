"""The decision engine shipped to the browser: pure, standard library only, no I/O.

The worker's engine zip is this folder (with py_tools/__init__.py), found by its path.
"""
