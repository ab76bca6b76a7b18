"""The review app: a Flask factory with sign-in required everywhere, CSRF on every form,
and headers that keep transcripts out of caches, frames and other sites' scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from review import sessions
from review.config import ReviewConfig
from review.store import ReviewStore
from review.transcript import level_name
from review.views import views

# Answer without a session: the sign-in page, the health check and the style sheet.
PUBLIC_ENDPOINTS = {"views.login", "views.healthz", "static"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def create_app(config: ReviewConfig | None = None, store: ReviewStore | None = None) -> Flask:
    config = config or ReviewConfig.from_environment()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="review_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Strict: the review app is never reached from a link on another site, so the cookie never
        # needs to travel with a cross-site request (at worst a counsellor following a link from an
        # e-mail signs in again).
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session that holds it
        MAX_CONTENT_LENGTH=64 * 1024,
        REVIEW_IDLE_SECONDS=config.idle_minutes * 60,
        REVIEW_MAX_SESSION_SECONDS=config.max_session_hours * 3600,
        REVIEW_RETENTION_DAYS=config.retention_days,
        REVIEW_ALLOWED_HOSTS=config.allowed_hosts,
    )
    app.extensions["review_store"] = store or ReviewStore(config.tracker_store_url)
    app.before_request(answer_only_known_hosts)
    app.before_request(require_sign_in)  # before CSRFProtect's check: no session answers 401 first
    CSRFProtect(app)
    app.after_request(security_headers)
    app.register_blueprint(views)
    app.register_error_handler(CSRFError, csrf_failed)
    app.jinja_env.filters["when"] = format_time
    app.jinja_env.filters["level_name"] = level_name
    return app


def format_time(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def wants_json() -> bool:
    """The API, the exports and every form post answer 401; pages send the browser to sign in."""
    endpoint = request.endpoint or ""
    return request.method != "GET" or request.path.startswith("/api/") or endpoint.startswith("views.export")


def answer_only_known_hosts() -> Response | None:
    """400 and nothing else for a Host header not configured (review.config.hosts_to_answer)."""
    if request.host.lower() not in current_app.config["REVIEW_ALLOWED_HOSTS"]:
        return Response(status=400)
    return None


def require_sign_in() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:  # None: no such page, 404
        return None
    session_id = session.get("session_id")
    config = current_app.config
    store = current_app.extensions["review_store"]
    if session_id:
        username = sessions.counsellor_of(
            store, session_id, config["REVIEW_IDLE_SECONDS"], config["REVIEW_MAX_SESSION_SECONDS"]
        )
        if username:
            g.counsellor, g.session_id = username, session_id
            return None
        session.clear()  # ended, expired, or the account is gone
    if wants_json():
        return jsonify(error="sign in required"), 401
    return redirect(url_for("views.login", next=request.full_path.rstrip("?")))


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"  # transcripts never stay in a browser cache
    return response


def csrf_failed(error: CSRFError) -> tuple[str, int]:
    return render_template(
        "error.html", message="The form had expired. Go back, reload the page and try again."
    ), 400
