"""`python -m widget --host 127.0.0.1 --port 8080 --rasa-url http://127.0.0.1:5005` serves the chat page."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from widget.server import DEFAULT_TIMEOUT_SECONDS, create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m widget", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback by default)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005", help="the Rasa server's base URL")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds to wait for Rasa before telling the page it is unavailable",
    )
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(arguments.rasa_url, arguments.timeout)
    logging.getLogger("widget").info("Chat page at http://%s:%s/", arguments.host, arguments.port)
    # No access log: the page's server keeps no record of who talked when.
    web.run_app(app, host=arguments.host, port=arguments.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
