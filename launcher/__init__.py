"""Starts the assistant's services, waits until each one answers, and stops them together.

Used by `make run` (python -m launcher) and by the end-to-end tests, so both run the very
same commands against the very same configuration.
"""
