"""Run the fake Bot API by hand: ``python -m tests.botapi --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .server import DEFAULT_TOKEN, BotApiServer, default_spec_path


async def _serve(args: argparse.Namespace) -> None:
    server = BotApiServer(args.spec, args.token, strict_chats=False)
    await server.start(args.host, args.port)
    print(f"Bot API base URL:  {server.base_url}")
    print(f"File base URL:     {server.base_file_url}")
    print(f"Token:             {server.token}")
    print(f"Chat as a user at: {server.root_url}/?chat_id=1001")
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--spec", default=str(default_spec_path()))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
