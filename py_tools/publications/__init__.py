"""Review publications made from the rules: rulebook, outline, flowchart, sign-off
sheets, what changed, release, compare tables. Import the rules and the engine.
"""
