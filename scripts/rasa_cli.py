"""Rasa's command line (`python -m scripts.rasa_cli train ...` is `rasa train ...`) with the warnings we
understand silenced where they are raised, each with why; any other warning still shows.

The Makefile runs `rasa data validate`, `rasa train` (through scripts/train.py) and `rasa test` this way.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Callable


def sent_by_code() -> list[str]:
    """Responses our code sends rather than a story or rule."""
    from actions.app_steps import RESPONSES as APP_RESPONSES
    from actions.disclosure_routes import NEXT_STEPS, REPORT_REMOVE, ROUTES
    from actions.not_understood import NOT_UNDERSTOOD, REPLIES
    from widget.rasa_channel import NO_REPLY_RESPONSES

    return sorted(
        {
            *(name for route in ROUTES.values() for name in route),
            REPORT_REMOVE,
            NEXT_STEPS,
            *(name for replies in REPLIES.values() for name in replies),
            *NOT_UNDERSTOOD,
            *NO_REPLY_RESPONSES,
            *APP_RESPONSES,
        }
    )


def rasa_with_understood_warnings_silenced() -> Callable[[], None]:
    """Rasa's command line, imported with the filters in place."""
    # Libraries Rasa 3.6 pins use APIs their own next versions drop (SQLAlchemy 2.0, argparse's nested
    # groups, sre_constants in TensorFlow): nothing we can change, and nothing that changes a result.
    # Set before importing Rasa and again after: its import adds a filter showing them "once".
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from rasa.__main__ import main as rasa_main
    from rasa.utils.common import EXPECTED_WARNINGS

    warnings.filterwarnings("ignore", category=DeprecationWarning)

    # Rasa 3.6's validator counts a response as used only when a story or rule names it, and has no
    # way to list responses sent from code. These are sent by action_respond_to_disclosure and
    # action_did_not_understand (tests/test_disclosure_action.py and tests/test_hesitation.py prove
    # it) and by the chat page's server when Rasa cannot answer. Any other unused response still warns.
    # EXPECTED_WARNINGS is Rasa's own list of warnings it ignores, applied after its own filters.
    names = "|".join(map(re.escape, sent_by_code()))
    EXPECTED_WARNINGS.append((UserWarning, f"The utterance '({names})' is not used in any story or rule"))
    EXPECTED_WARNINGS.append((DeprecationWarning, ""))
    # The app names are annotated in data/nlu/apps.yml so that RegexEntityExtractor uses their lookup
    # tables; Rasa then suggests a trained extractor, which a closed list of names does not need.
    EXPECTED_WARNINGS.append((UserWarning, "You have defined training data consisting of entity examples"))
    EXPECTED_WARNINGS.append((UserWarning, "You have defined training data consisting of lookup tables"))
    return rasa_main


def main() -> None:
    rasa_main = rasa_with_understood_warnings_silenced()
    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
