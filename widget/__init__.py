"""The chat page young people use, and the small server that serves it and carries the chat to Rasa."""
