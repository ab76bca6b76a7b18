"""The counsellors' review app: flagged conversations first, behind a sign-in (README "Counsellor review")."""

from review.store import MisunderstoodMessage, ReviewStore, misunderstood_messages

__all__ = ["MisunderstoodMessage", "ReviewStore", "misunderstood_messages"]
