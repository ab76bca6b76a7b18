"""Safeguarding: risk levels, the disclosure intents behind them, the spaCy phrase detector,
and the rule that decides which level wins. Plain Python, shared by the NLU pipeline, the
actions and the counsellor tools, and unit-tested without a server."""
