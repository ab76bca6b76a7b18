"""The counsellors' review app: flagged conversations first, behind a sign-in (docs/review-app.md)."""

from review.store import MisunderstoodMessage, ReviewStore, misunderstood_messages

__all__ = ["MisunderstoodMessage", "ReviewStore", "misunderstood_messages"]
