"""Two instances on one PostgreSQL: Sara's case page is open on A, the youth's message is
received and handled by B, and A's page shows it without a reload (PostgreSQL NOTIFY)."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from storage import registrations
from tests.botapi.server import BotApiServer
from tests.browser.test_inbox import DESKTOP, log_in
from tests.conftest import fresh_postgres_database
from tests.support.inbox import add_worker
from tests.support.postgres import PostgresServer
from tests.support.service import make_settings, serving, settled
from tests.support.telegram import Youth, complete_intake


async def test_a_page_on_a_shows_a_message_handled_by_b(
    browser: Browser, bot_api: BotApiServer, postgres: PostgresServer | str, tmp_path: Path
) -> None:
    url = await fresh_postgres_database(postgres)
    a = make_settings(url, tmp_path / "a", bot_api, roles=frozenset({"web"}))
    b = make_settings(
        url, tmp_path / "b", bot_api, roles=frozenset({"receive", "process", "send", "schedule"})
    )
    base = f"http://127.0.0.1:{a.http_port}"
    async with serving(a) as on_a, serving(b) as on_b:
        youth = Youth(bot_api, 9401)
        await complete_intake(youth)
        sara = await add_worker(on_b.db, "Sara")
        async with on_b.db.transaction() as session:
            (waiting,) = await registrations.waiting(session, "wam")
        await on_b.inbox.reply(sara, waiting.id, "Hoi Noor, ik ben Sara!")  # she takes it
        await settled(on_b)  # sent: the page has nothing pending to look at again by itself
        context = await browser.new_context(viewport=DESKTOP, locale="nl-BE")  # type: ignore[arg-type]
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        await log_in(page, base, "sara@wam")
        timeline_read = f"{base}/inbox/cases/{waiting.id}/timeline"
        # The page reads its timeline once when its event stream opens; after that only an
        # event makes it read again.
        async with page.expect_response(lambda r: r.url.startswith(timeline_read)):
            await page.locator('[data-kind="mine"]').get_by_role("link", name="Noor").click()
        timeline = page.locator("#timeline")
        await expect(timeline).to_contain_text("Hoi Noor, ik ben Sara!")
        listening = lambda: "inbox:wam" in on_a.bus.waiters  # noqa: E731
        await bot_api.wait_until(listening, 30, what="the page's event stream on A")

        bot_api.user_sends_text(9401, "Dank je, Sara! Wanneer kunnen we afspreken?")
        await expect(timeline).to_contain_text(
            "Dank je, Sara! Wanneer kunnen we afspreken?", timeout=30_000
        )
        assert errors == []
        await context.close()
