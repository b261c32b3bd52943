"""Authoring tools: import a council's policy document, check page fidelity to the
source, write a new council's rule files. Not imported by the build or the checks.
"""
