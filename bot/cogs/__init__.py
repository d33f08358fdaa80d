"""The bot's cogs: briefing commands, owner tools, and the one error handler."""
