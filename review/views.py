"""The pages and the JSON API. Every route here except sign-in and /healthz needs a session
(review.app.require_sign_in), and every POST carries a CSRF token (CSRFProtect)."""

from __future__ import annotations

import json
import math
import re
import time
from functools import lru_cache
from typing import Any

import yaml
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from review import sessions
from review.accounts import is_admin, sign_in
from review.store import STATUSES, NotFoundError, ReviewStore
from safeguarding.levels import RiskLevel
from settings import ROOT

views = Blueprint("views", __name__)

LEVELS = [level.label for level in sorted(RiskLevel, reverse=True)]
LEVEL_FILTERS = ["all", "flagged", *LEVELS]
MAX_TEXT = 5000
ONLY_AN_ADMIN = "Kept from the retention purge. Only an admin can allow the purge again: ask one."
# A path and query on this site, in the few characters its own URLs use; a second "/" would leave it.
LOCAL_PATH = re.compile(r"/(?!/)[\w./?=&%+~-]*", re.ASCII)


def store() -> ReviewStore:
    return current_app.extensions["review_store"]


@lru_cache(maxsize=1)
def known_intents() -> tuple[str, ...]:
    """The assistant's intents, offered when a counsellor says what a message should have been."""
    domain_file = ROOT / "domain.yml"
    if not domain_file.exists():
        return ()
    intents = yaml.safe_load(domain_file.read_text()).get("intents") or []
    return tuple(
        sorted(next(iter(intent)) if isinstance(intent, dict) else str(intent) for intent in intents)
    )


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def chosen(name: str, allowed: list[str] | tuple[str, ...], default: str = "all") -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


def safe_next(target: str | None) -> str:
    """Only a path on this site: never //elsewhere, a full URL, a backslash, or a tab or line break
    (browsers drop those, so "/%09/evil.example" would become "//evil.example")."""
    if target and LOCAL_PATH.fullmatch(target):
        return target
    return url_for("views.conversations")


def conversation_or_404(conversation_id: int) -> dict[str, Any]:
    try:
        return store().conversation(conversation_id)
    except NotFoundError:
        abort(404)


def back_to(conversation: dict[str, Any]) -> Response:
    return redirect(url_for("views.transcript", conversation_id=conversation["id"]), code=303)


def form_text(name: str) -> str:
    return (request.form.get(name) or "").strip()[:MAX_TEXT]


# --- signing in and out -------------------------------------------------------------------------


@views.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@views.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_page = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next_page=next_page, error=None)
    form = request.form
    attempt = sign_in(store(), form.get("username", ""), form.get("password", ""), request.remote_addr or "-")
    if attempt.ok:
        if session.get("session_id"):
            sessions.end(store(), session["session_id"])
        session.clear()  # a new session on every sign-in
        session.permanent = True
        max_seconds = current_app.config["REVIEW_MAX_SESSION_SECONDS"]
        session["session_id"] = sessions.start(store(), attempt.username, max_seconds)
        return redirect(next_page, code=303)
    if attempt.outcome == "locked":
        wait = math.ceil(attempt.wait_seconds)
        how_long = f"{wait} seconds" if wait < 90 else f"{math.ceil(wait / 60)} minutes"
        error = f"Too many failed sign-ins. Wait {how_long}, then try again."
        page = render_template("login.html", next_page=next_page, error=error)
        return page, 429, {"Retry-After": str(wait)}
    error = "That name and password do not match an account."
    return render_template("login.html", next_page=next_page, error=error), 401


@views.post("/logout")
def logout() -> Response:
    sessions.end(store(), g.session_id)
    store().record(g.counsellor, "signed out")
    session.clear()
    return redirect(url_for("views.login"), code=303)


# --- the list -----------------------------------------------------------------------------------


def list_filters() -> dict[str, Any]:
    return {
        "level": chosen("level", LEVEL_FILTERS),
        "status": chosen("status", STATUSES),
        "page": page_number(),
    }


@views.get("/")
def conversations() -> str:
    filters = list_filters()
    listing = store().list_conversations(**filters)
    return render_template(
        "list.html", listing=listing, filters=filters, level_filters=LEVEL_FILTERS, statuses=STATUSES
    )


def listed(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "url": url_for("views.transcript", conversation_id=row["id"]),
        "level": RiskLevel(row["effective_level"]).label,
        "detected_level": RiskLevel(row["level"]).label,
        "detectors": [name for name in row["detectors"].split(",") if name],
        "status": "reviewed" if row["reviewed_at"] else "unreviewed",
        "started_at": row["started_at"],
        "last_at": row["last_at"],
        "messages": row["message_count"],
        "preview": row["preview"],
        "keep": row["keep"],
    }


@views.get("/api/conversations")
def api_conversations() -> Response:
    filters = list_filters()
    listing = store().list_conversations(**filters)
    return jsonify(
        conversations=[listed(row) for row in listing.rows],
        total=listing.total,
        page=listing.page,
        pages=listing.pages,
    )


# --- one conversation ---------------------------------------------------------------------------


def review_record(conversation: dict[str, Any]) -> dict[str, Any]:
    sender_id = conversation["sender_id"]
    return {
        "turns": store().turns(sender_id),
        "notes": store().notes_of(sender_id),
        "corrections": store().corrections_of(sender_id),
        "misunderstood": store().misunderstood_of(sender_id),
    }


@views.get("/conversations/<int:conversation_id>")
def transcript(conversation_id: int) -> str:
    conversation = conversation_or_404(conversation_id)
    store().record(g.counsellor, "viewed transcript", conversation["sender_id"])
    return render_template(
        "transcript.html",
        conversation=conversation,
        audit=store().audit_of(conversation["sender_id"]),
        levels=LEVELS,
        intents=known_intents(),
        admin=is_admin(store(), g.counsellor),
        only_an_admin=ONLY_AN_ADMIN,
        **review_record(conversation),
    )


@views.post("/conversations/<int:conversation_id>/reviewed")
def mark_reviewed(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    store().set_reviewed(conversation, g.counsellor, reviewed=request.form.get("reviewed") != "0")
    return back_to(conversation)


@views.post("/conversations/<int:conversation_id>/keep")
def keep(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    keep = request.form.get("keep") != "0"
    if not keep and not is_admin(store(), g.counsellor):
        flash(ONLY_AN_ADMIN, "error")
    else:
        store().set_keep(conversation, g.counsellor, keep)
    return back_to(conversation)


@views.post("/conversations/<int:conversation_id>/level")
def correct_level(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    level, reason = request.form.get("level", ""), form_text("reason")
    if level not in LEVELS:
        flash("Choose a level from the list.", "error")
    elif not reason:
        flash("Say why the level should change: the reason is kept with the correction.", "error")
    else:
        store().correct_level(conversation, g.counsellor, RiskLevel.from_label(level), reason)
        flash(f"Level corrected to {level.replace('_', ' ')}.", "done")
    return back_to(conversation)


@views.post("/conversations/<int:conversation_id>/notes")
def add_note(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    text = form_text("text")
    if text:
        store().add_note(conversation, g.counsellor, text)
        flash("Note added.", "done")
    else:
        flash("The note was empty.", "error")
    return back_to(conversation)


@views.post("/conversations/<int:conversation_id>/misunderstood")
def mark_misunderstood(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    suggested = form_text("suggested_intent")[:255] or None
    if suggested and known_intents() and suggested not in known_intents():
        flash(f"There is no intent called {suggested}; leave it empty if unsure.", "error")
        return back_to(conversation)
    try:
        store().mark_misunderstood(
            conversation, request.form.get("event_id", 0, type=int), g.counsellor, suggested
        )
    except NotFoundError:
        abort(404)
    flash("Marked as misunderstood.", "done")
    return back_to(conversation)


# --- exports for a referral ---------------------------------------------------------------------


def export_document(conversation: dict[str, Any]) -> dict[str, Any]:
    record = review_record(conversation)
    return {
        "conversation": {
            "id": conversation["id"],
            "sender_id": conversation["sender_id"],
            "started_at": conversation["started_at"],
            "last_at": conversation["last_at"],
            "detected_level": RiskLevel(conversation["level"]).label,
            "level": RiskLevel(conversation["effective_level"]).label,
            "detectors": [name for name in conversation["detectors"].split(",") if name],
            "reviewed_by": conversation["reviewed_by"],
            "reviewed_at": conversation["reviewed_at"],
            "keep": conversation["keep"],
        },
        "messages": [turn.as_dict() for turn in record["turns"]],
        "level_corrections": [
            {
                "from": RiskLevel(row["from_level"]).label,
                "to": RiskLevel(row["to_level"]).label,
                "reason": row["reason"],
                "by": row["counsellor"],
                "at": row["created_at"],
            }
            for row in record["corrections"]
        ],
        "notes": [
            {"text": row["text"], "by": row["counsellor"], "at": row["created_at"]} for row in record["notes"]
        ],
        "exported_by": g.counsellor,
        "exported_at": time.time(),
    }


@views.get("/conversations/<int:conversation_id>/export.json")
def export_json(conversation_id: int) -> Response:
    conversation = conversation_or_404(conversation_id)
    store().record(g.counsellor, "exported JSON", conversation["sender_id"])
    body = json.dumps(export_document(conversation), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="conversation-{conversation["id"]}.json"'},
    )


@views.get("/conversations/<int:conversation_id>/export.html")
def export_printable(conversation_id: int) -> str:
    conversation = conversation_or_404(conversation_id)
    store().record(g.counsellor, "exported printable page", conversation["sender_id"])
    return render_template(
        "print.html", conversation=conversation, exported_by=g.counsellor, **review_record(conversation)
    )


# --- the audit log (read only: no route changes it) ---------------------------------------------


@views.get("/audit")
def audit() -> str:
    return render_template("audit.html", listing=store().audit_page(page_number()))
