"""Package data: the Jinja2 templates that hold every word the bot says.

Installed as `briefings.templates`; `briefings.resources` finds this folder with importlib.
"""
