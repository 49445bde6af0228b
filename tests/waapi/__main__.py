"""Run the fake WhatsApp Cloud API by hand: ``python -m tests.waapi --port 8082``.

Open the printed page to play the youth; point ``make run`` at the server with the printed
environment variables.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .server import WhatsAppApiServer
from .spec import default_spec_path
from .ui import DEFAULT_PHONE


async def _serve(args: argparse.Namespace) -> None:
    server = WhatsAppApiServer(
        args.spec,
        app_secret=args.app_secret,
        access_token=args.token,
        phone_number_id=args.phone_number_id,
        webhook_url=args.webhook_url,
    )
    if not args.no_instap_templates:
        from tests.support.whatsapp import register_templates  # Instap's own, as registered

        register_templates(server)
    for template in args.template:
        name, lang, params = template.split(":")
        server.register_template(name, lang, int(params))
    await server.start(args.host, args.port)
    print("Point the service at this server (e.g. in .env, then `make run`):")
    print(f"  WHATSAPP_API_BASE_URL={server.base_url}")
    print(f"  WHATSAPP_ACCESS_TOKEN={server.access_token}")
    print(f"  WHATSAPP_PHONE_NUMBER_ID={server.phone_number_id}")
    print(f"  WHATSAPP_APP_SECRET={server.app_secret}")
    print(f"  WHATSAPP_VERIFY_TOKEN={args.verify_token}")
    print(f"Webhooks go to:   {server.webhook_url}")
    print(f"Chat as a youth:  {server.root_url}/?phone={DEFAULT_PHONE}")
    if args.verify:
        with contextlib.suppress(OSError):
            status, body = await server.verify(args.verify_token)
            print(f"Webhook handshake: {status} {body[:80]}")
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--spec", default=str(default_spec_path()))
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--app-secret", default="test-app-secret")
    parser.add_argument("--phone-number-id", default="1234567890")
    parser.add_argument("--verify-token", default="test-verify-token")
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8080/webhooks/whatsapp")
    parser.add_argument(
        "--template",
        action="append",
        default=[],
        metavar="NAME:LANG:PARAMS",
        help="register a template, e.g. herinnering:nl:2 (repeatable)",
    )
    parser.add_argument(
        "--no-instap-templates",
        action="store_true",
        help="do not register Instap's templates (config/whatsapp_templates.toml)",
    )
    parser.add_argument(
        "--verify", action="store_true", help="do the GET handshake against the webhook at start"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
