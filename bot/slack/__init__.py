"""Talking to Slack's Web API: `failures` classifies every way a call can fail and builds the
client's retry handlers; `bot.posting` posts through it."""
