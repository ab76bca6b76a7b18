"""Custom actions for the Stay Safe bot, served by the rasa-sdk action server.

Action classes stay thin; the decisions they make live in plain modules beside them.
"""
