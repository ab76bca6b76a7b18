"""`python -m widget --host 127.0.0.1 --port 8080 --rasa-url http://127.0.0.1:5005` serves the chat page.

Set in the environment when needed:
  WIDGET_PUBLIC_ORIGIN        where children open the chat, when a proxy in front rewrites Host
                              ("https://chat.example.org"); only that origin and Host are answered
  WIDGET_ALLOWED_HOSTS        Host headers answered, comma separated (default: see hosts_for)
  WIDGET_MESSAGES_PER_MINUTE  messages one address may send a minute after the first 20 (default 30)
  WIDGET_BEHIND_PROXY=1       count addresses by the proxy's X-Forwarded-For
"""

from __future__ import annotations

import argparse
import logging
import os

from aiohttp import web

from settings import LOOPBACK, RASA_PORT, WIDGET_PORT
from widget.server import DEFAULT_PER_MINUTE, DEFAULT_TIMEOUT_SECONDS, WidgetSettings, create_app, hosts_for


def settings_from_environment(host: str, port: int) -> WidgetSettings:
    public_origin = os.environ.get("WIDGET_PUBLIC_ORIGIN", "").rstrip("/")
    listed = {name.strip() for name in os.environ.get("WIDGET_ALLOWED_HOSTS", "").split(",") if name.strip()}
    return WidgetSettings(
        public_origin=public_origin,
        allowed_hosts=frozenset(listed) or hosts_for(host, port, public_origin),
        per_minute=int(os.environ.get("WIDGET_MESSAGES_PER_MINUTE", DEFAULT_PER_MINUTE)),
        behind_proxy=os.environ.get("WIDGET_BEHIND_PROXY", "") in {"1", "true", "yes"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m widget", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=LOOPBACK, help="address to listen on (loopback by default)")
    parser.add_argument("--port", type=int, default=WIDGET_PORT)
    parser.add_argument(
        "--rasa-url", default=f"http://{LOOPBACK}:{RASA_PORT}", help="the Rasa server's base URL"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for Rasa before telling the page it is unavailable",
    )
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = settings_from_environment(arguments.host, arguments.port)
    app = create_app(arguments.rasa_url, arguments.timeout, settings)
    log = logging.getLogger("widget")
    log.info("Chat page at http://%s:%s/", arguments.host, arguments.port)
    if not settings.allowed_hosts:
        log.warning("Answering any Host header: set WIDGET_PUBLIC_ORIGIN to where children open the chat.")
    # No access log: the page's server keeps no record of who talked when.
    web.run_app(app, host=arguments.host, port=arguments.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
