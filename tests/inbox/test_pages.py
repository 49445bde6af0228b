"""The inbox pages on a real database, through HTTP: login, queue, a conversation, the team,
the event stream, and the bad input the issue names (XSS, empty and long replies, double
submits, missing CSRF, another partnership's case, lost sessions, unsafe `next`)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inbox import auth
from inbox.pages import safe_next
from storage import casework, outbox, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import OutboxJob
from tests.support.inbox import PASSWORD, add_case
from tests.support.pages import Site, count_messages, field, open_pages

XSS = "<script>alert(1)</script>"


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with open_pages(db, live=True) as made:
        yield made


async def youth_says(db: Database, chat: str, text: str) -> None:
    """A youth's message as the relay stores it: on the timeline, unread on the open case."""
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "telegram", chat, "nl", utcnow())
        await casework.youth_wrote(session, youth.id, utcnow())
        await outbox.add_message(
            session, youth, direction="in", author="youth", text=text, buttons=None,
            now=utcnow(), delivery="sent",
        )  # fmt: skip


# --- the happy path --------------------------------------------------------------------------


async def test_login_queue_claim_reply_note_and_close(site: Site) -> None:
    response = await site.login(site.sara)
    assert response.status == 303 and response.headers["Location"] == "/inbox"
    assert response.cookies[auth.COOKIE]["httponly"]

    status, queue = await site.page("/inbox")
    assert status == 200
    assert '<html lang="nl">' in queue and "Noor" in queue and "Lina" not in queue
    assert 'class="badge on_time">op tijd<' in queue
    assert "Werk" in queue and "Maasmechelen" in queue and "Neem op" in queue

    status, page = await site.post(f"/inbox/cases/{site.noor}/claim", {})
    assert status == 200
    assert "Je hebt deze aanmelding opgenomen." in page
    assert "Sara nam deze aanmelding op" in page
    assert "Wie antwoordt: Sara" in page

    status, page = await site.page(f"/inbox/cases/{site.noor}")
    ref = field(page, "ref")
    status, page = await site.post(
        f"/inbox/cases/{site.noor}/reply", {"text": "Hoi Noor, wanneer past het?", "ref": ref}
    )
    assert status == 200 and "Je bericht is onderweg." in page
    assert "Hoi Noor, wanneer past het?" in page and "verzenden…" in page
    async with site.db.transaction() as session:
        jobs = (await session.execute(select(OutboxJob))).scalars().all()
    assert [j.payload["text"] for j in jobs] == ["Sara schrijft:\nHoi Noor, wanneer past het?"]

    status, page = await site.post(
        f"/inbox/cases/{site.noor}/note", {"text": "Belt liever dan te typen."}
    )
    assert "Je notitie is bewaard." in page
    assert "Notitie (alleen voor collega&#39;s)" in page and "Belt liever dan te typen." in page

    status, page = await site.post(
        f"/inbox/cases/{site.noor}/status", {"status": "closed", "outcome": ""}
    )
    assert "Kies een resultaat om de aanmelding af te sluiten." in page
    assert "Afgesloten:" not in page
    status, page = await site.post(f"/inbox/cases/{site.noor}/status", {"status": "paused"})
    assert "Status: gepauzeerd (Sara)" in page
    status, page = await site.post(
        f"/inbox/cases/{site.noor}/status", {"status": "closed", "outcome": "work"}
    )
    assert "De status is aangepast." in page and "Afgesloten: werk (Sara)" in page
    assert 'id="reply"' not in page  # a closed case takes no replies


async def test_the_queue_lists_mine_with_unread_and_the_team_for_coordinators(site: Site) -> None:
    await site.inbox.claim(site.sara, site.noor)
    await youth_says(site.db, "1", "Hallo?")
    await site.login(site.sara)
    _, queue = await site.page("/inbox/fragment/queue")
    assert "Mijn jongeren" in queue and "1 nieuw" in queue and 'data-unread="1"' in queue
    assert "<html" not in queue and "Team: alle open aanmeldingen" not in queue

    site.client.session.cookie_jar.clear()
    await site.login(site.jan)
    _, queue = await site.page("/inbox")
    assert "Team: alle open aanmeldingen" in queue and "bij Sara" in queue


async def test_a_claim_someone_else_won_says_who(site: Site) -> None:
    await site.inbox.claim(site.jan, site.noor)
    await site.login(site.sara)
    status, page = await site.post(f"/inbox/cases/{site.noor}/claim", {})
    assert status == 200 and "Jan heeft deze aanmelding al genomen." in page


async def test_transfer_to_a_colleague_tells_the_youth(site: Site) -> None:
    await site.inbox.claim(site.sara, site.noor)
    await site.login(site.jan)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert (
        f'<option value="{site.sara.id}">' not in page[page.index('id="assign-to"') :]
    )  # she has it
    _, page = await site.post(f"/inbox/cases/{site.noor}/assign", {"to": str(site.jan.id)})
    assert "Doorgegeven aan Jan." in page and "Toegewezen aan Jan door" not in page
    assert "Toegewezen aan Jan" in page
    assert await count_messages(site.db, "Jan neemt het nu over van Sara") == 1
    _, page = await site.post(f"/inbox/cases/{site.noor}/assign", {"to": str(site.tom.id)})
    assert "Kies een collega uit je eigen partnerschap." in page


# --- bad input -------------------------------------------------------------------------------


async def test_a_name_or_message_with_html_renders_as_text(site: Site) -> None:
    case = await add_case(site.db, XSS, "wam", chat="9")
    await youth_says(site.db, "9", f"hoi {XSS} & tot straks")
    await site.login(site.sara)
    for path in (
        "/inbox",
        "/inbox/fragment/queue",
        f"/inbox/cases/{case}",
        f"/inbox/cases/{case}/timeline",
    ):
        status, page = await site.page(path)
        assert status == 200, path
        assert XSS not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


async def test_an_empty_or_too_long_reply_is_refused_and_the_draft_kept(site: Site) -> None:
    await site.login(site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    status, page = await site.post(
        f"/inbox/cases/{site.noor}/reply", {"text": "   ", "ref": field(page, "ref")}
    )
    assert status == 422 and "Je bericht is leeg." in page

    long = "a" * 5000
    status, page = await site.post(
        f"/inbox/cases/{site.noor}/reply", {"text": long, "ref": field(page, "ref")}
    )
    assert status == 422
    assert "Je bericht is 5000 tekens lang; het mag er hooguit 4000 zijn." in page
    assert long in page  # the typing is not lost
    assert await count_messages(site.db, "aaaa") == 0
    assert 'maxlength="4000"' in page


async def test_a_double_submitted_reply_is_sent_once(site: Site) -> None:
    await site.login(site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    form = {"text": "Eén keer graag", "ref": field(page, "ref")}
    first = await site.post(f"/inbox/cases/{site.noor}/reply", form)
    second = await site.post(f"/inbox/cases/{site.noor}/reply", form)
    assert first[0] == second[0] == 200
    assert await count_messages(site.db, "Eén keer graag") == 1
    async with site.db.transaction() as session:
        assert (
            await session.execute(select(func.count()).select_from(OutboxJob))
        ).scalar_one() == 1


async def test_a_form_without_csrf_is_refused(site: Site) -> None:
    await site.login(site.sara)
    status, _ = await site.post(f"/inbox/cases/{site.noor}/claim", {}, csrf=False)
    assert status == 403
    status, _ = await site.post(f"/inbox/cases/{site.noor}/claim", {"csrf": "wrong"}, csrf=False)
    assert status == 403
    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "nog door niemand opgenomen" in page


async def test_another_partnerships_case_does_not_exist(site: Site) -> None:
    await site.login(site.sara)
    other = site.elsewhere
    for path in (
        f"/inbox/cases/{other}",
        f"/inbox/cases/{other}/timeline",
    ):
        status, page = await site.page(path)
        assert status == 404, path
    for action, form in (("claim", {}), ("reply", {"text": "hoi", "ref": "x1"}), ("note", {"text": "n"}),
                         ("status", {"status": "paused"}), ("assign", {"to": str(site.sara.id)})):  # fmt: skip
        status, page = await site.post(f"/inbox/cases/{other}/{action}", form)
        assert status == 404, action
        assert "Deze aanmelding bestaat niet" in page
    status, _ = await site.page("/inbox/cases/99999999999999999999")
    assert status == 404
    status, _ = await site.page("/inbox/cases/9999999999999999999")
    assert status == 404


async def test_a_forged_flash_message_is_not_shown(site: Site) -> None:
    await site.login(site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}?error=Bel+0470+met+je+wachtwoord&sig=abc")
    assert "Bel 0470" not in page


# --- sessions and login ----------------------------------------------------------------------


async def test_without_a_session_login_leads_back_to_the_same_page(site: Site) -> None:
    path = f"/inbox/cases/{site.noor}"
    response = await site.client.get(path, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == f"/inbox/login?next={path}"

    site.client.session.cookie_jar.update_cookies({auth.COOKIE: "expired-or-made-up"})
    response = await site.client.get(path, allow_redirects=False)
    assert response.headers["Location"] == f"/inbox/login?next={path}"

    status, page = await site.page(f"/inbox/login?next={path}")
    assert field(page, "next") == path
    response = await site.login(site.sara, next_path=path)
    assert response.status == 303 and response.headers["Location"] == path
    status, page = await site.page(path)
    assert status == 200 and "Noor" in page


@pytest.mark.parametrize(
    "target",
    ["//evil.example/inbox", "https://evil.example/inbox", "/\\evil.example", "/inboxes",
     "javascript:alert(1)", "/inbox/../admin", "/inbox/login", "", "/inbox\n/x"],
)  # fmt: skip
def test_an_unsafe_next_becomes_the_queue(target: str) -> None:
    assert safe_next(target) == "/inbox"


def test_a_safe_next_is_kept() -> None:
    assert safe_next("/inbox/cases/3") == "/inbox/cases/3"
    assert safe_next("/inbox?x=1") == "/inbox?x=1"


async def test_login_ignores_an_unsafe_next(site: Site) -> None:
    response = await site.login(site.sara, next_path="//evil.example/x")
    assert response.status == 303 and response.headers["Location"] == "/inbox"


async def test_a_wrong_password_shows_the_form_again_and_is_throttled(site: Site) -> None:
    for _ in range(5):
        page = await site.client.get("/inbox/login")
        form = {
            "username": site.sara.username,
            "password": "wrong one!",
            "login_token": field(await page.text(), "login_token"),
        }
        response = await site.client.post("/inbox/login", data=form, allow_redirects=False)
        assert response.status == 200
        assert "Die gebruikersnaam of dat wachtwoord klopt niet." in await response.text()
        assert auth.COOKIE not in response.cookies
    response = await site.login(site.sara)
    assert response.status == 429
    assert "Te veel mislukte pogingen" in await response.text()


async def test_login_needs_the_pre_login_token(site: Site) -> None:
    form = {"username": site.sara.username, "password": PASSWORD}
    response = await site.client.post("/inbox/login", data=form, allow_redirects=False)
    assert response.status == 403 and auth.COOKIE not in response.cookies
    await site.client.get("/inbox/login")  # the cookie is there now, but a forged form has no field
    response = await site.client.post(
        "/inbox/login", data={**form, "login_token": "guess"}, allow_redirects=False
    )
    assert response.status == 403 and auth.COOKIE not in response.cookies
    login_cookie = (await site.client.get("/inbox/login")).cookies["instap_login"]
    assert login_cookie["samesite"] == "Strict" and login_cookie["httponly"]


async def test_logout_ends_the_session(site: Site) -> None:
    await site.login(site.sara)
    status, page = await site.post("/inbox/logout", {})
    assert status == 200 and "Aanmelden in de inbox" in page
    response = await site.client.get("/inbox", allow_redirects=False)
    assert response.status == 302


# --- live ------------------------------------------------------------------------------------


async def test_the_timeline_fragment_gives_only_what_is_new(site: Site) -> None:
    await site.login(site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Nog geen berichten." in page
    before = utcnow() - timedelta(seconds=1)
    await youth_says(site.db, "1", "Ik ben er!")
    status, fragment = await site.page(
        f"/inbox/cases/{site.noor}/timeline?after={before.isoformat()}"
    )
    assert status == 200 and "Ik ben er!" in fragment and "<html" not in fragment
    status, fragment = await site.page(
        f"/inbox/cases/{site.noor}/timeline?after={utcnow().isoformat()}"
    )
    assert status == 200 and fragment.strip() == ""
    status, _ = await site.page(f"/inbox/cases/{site.noor}/timeline?after=gisteren")
    assert status == 400


async def test_the_event_stream_says_which_case_changed(site: Site) -> None:
    await site.login(site.sara)
    response = await site.client.get("/inbox/events")
    assert response.status == 200 and response.content_type == "text/event-stream"
    await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)  # retry + hello
    await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)  # a heartbeat comment
    await site.inbox.claim(site.jan, site.noor)
    seen = b""
    while b"event: case" not in seen:
        seen = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
    assert seen == f'event: case\ndata: {{"case_id": {site.noor}}}\n\n'.encode()
    response.close()


async def test_the_event_stream_needs_a_session(site: Site) -> None:
    response = await site.client.get("/inbox/events", allow_redirects=False)
    assert response.status == 302


# --- team, presence and audit ----------------------------------------------------------------


async def test_a_coordinator_adds_a_colleague_and_sets_presence(site: Site) -> None:
    await site.login(site.jan)
    status, page = await site.page("/inbox/team")
    assert status == 200 and "Een collega toevoegen" in page
    form = {"username": "eva", "first_name": "Eva", "full_name": "Eva Claes", "role": "worker",
            "capacity": "12", "languages": "nl, en", "password": "kort"}  # fmt: skip
    status, page = await site.post("/inbox/team", form)
    assert status == 422 and "minstens 10 tekens" in page and 'value="Eva Claes"' in page
    status, page = await site.post("/inbox/team", {**form, "password": "een lang wachtwoord"})
    assert status == 200 and "Eva is toegevoegd." in page and "0 van 12 jongeren" in page

    status, page = await site.post(
        f"/inbox/team/{site.sara.id}/presence",
        {"absent": "1", "cover": str(site.jan.id), "back": "/inbox/team"},
    )
    assert "Je aanwezigheid is aangepast." in page and "Vervangen door Jan" in page


async def test_a_worker_sets_only_their_own_presence(site: Site) -> None:
    await site.login(site.sara)
    status, page = await site.page("/inbox/team")
    assert status == 403 and "Alleen coördinatoren" in page
    status, page = await site.post(
        f"/inbox/team/{site.jan.id}/presence", {"absent": "1", "back": "/inbox"}
    )
    assert "Je kunt alleen jezelf afwezig zetten." in page
    status, page = await site.post(
        f"/inbox/team/{site.sara.id}/presence", {"absent": "1", "back": "https://evil.example"}
    )
    assert status == 200 and "Je staat op afwezig" in page


async def test_the_audit_trail_is_for_coordinators(site: Site) -> None:
    await site.login(site.sara)
    await site.page(f"/inbox/cases/{site.noor}")
    status, page = await site.page(f"/inbox/cases/{site.noor}/audit")
    assert status == 403
    site.client.session.cookie_jar.clear()
    await site.login(site.jan)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Wie bekeek dit dossier?" in page
    status, page = await site.page(f"/inbox/cases/{site.noor}/audit")
    assert status == 200 and "Sara Peeters" in page and "bekeek het dossier" in page
    status, page = await site.page(f"/inbox/cases/{site.elsewhere}/audit")
    assert status == 404


async def test_pages_carry_the_house_rules(site: Site) -> None:
    await site.login(site.sara)
    for path in ("/inbox", f"/inbox/cases/{site.noor}", "/inbox/login"):
        response = await site.client.get(path)
        page = await response.text()
        assert '<html lang="nl">' in page and 'name="viewport"' in page
        assert page.count("<script") == 1 and 'src="/inbox/static/inbox.js" defer' in page
        assert "onclick" not in page and "style=" not in page
        assert 'class="skip" href="#main"' in page
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        for input_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', page):
            assert f'for="{input_id}"' in page, (path, input_id)
    response = await site.client.get("/inbox/static/inbox.css")
    assert response.status == 200


async def test_the_event_stream_ends_when_the_server_stops(site: Site) -> None:
    await site.login(site.sara)
    response = await site.client.get("/inbox/events")
    await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
    await site.client.app.on_shutdown[-1](site.client.app)  # Live.close, as at shutdown
    rest = await asyncio.wait_for(response.content.read(), 5)
    assert b"event: case" not in rest
