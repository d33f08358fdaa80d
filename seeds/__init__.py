"""Package data: the seed pages, their manifest and the curated annotations.

Installed as `briefings.seed_data`; `briefings.resources` finds this folder with importlib.
"""
