"""The fake Bot API server answers and refuses like Telegram (so the end-to-end tests mean it)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from bot.digests.flood_limits import RateLimiter
from tests.support.bot_api_server import BotApiServer
from tests.support.fake_telegram import FakeChat, FakeUser
from tests.support.telegram_html import EntityError, parse_html

USER = FakeUser(77, "Zoe")
CHAT = FakeChat.private(USER)


def call(server: BotApiServer, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """POST ``params`` form-encoded the way PTB does (objects as JSON strings)."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = httpx.post(f"{server.base_url}{server.token}/{method}", data=data, timeout=10)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<b>bold</b> &amp; <i>it</i>", "bold & it"),
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ("&lt;script&gt; &quot;q&quot; &#39;s&#x27;", "<script> \"q\" 's'"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>q</blockquote><u>u</u><s>s</s><code>c</code>", "qusc"),
        ("emoji 😀 and עברית", "emoji 😀 and עברית"),
    ],
)
def test_valid_html_parses_to_plain_text(html: str, plain: str) -> None:
    assert parse_html(html)[0] == plain


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("a < b", 'Unsupported start tag ""'),
        ("AT&T", "Character '&' is reserved"),
        ("&copy; 2024", "Character '&' is reserved"),
        ("<b>x", "Can't find end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ("<b", "Unclosed start tag"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("1 > 0", "Character '>' is reserved"),
    ],
)
def test_invalid_html_is_refused_with_telegrams_reason(html: str, reason: str) -> None:
    with pytest.raises(EntityError, match=reason):
        parse_html(html)


def test_entities_count_utf16_units() -> None:
    _, entities = parse_html("😀 <b>x</b>")
    assert entities[0].to_dict() == {"type": "bold", "offset": 3, "length": 1}


def test_get_me_and_a_wrong_token(bot_api_server: BotApiServer) -> None:
    status, body = call(bot_api_server, "getMe")
    assert status == 200 and body["result"]["username"] == bot_api_server.bot_username
    response = httpx.post(f"{bot_api_server.base_url}1:wrong/getMe", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "<b>x"}, "Bad Request: can't parse entities: Can't find end tag"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "<b> </b>"}, "Bad Request: message text is empty"),
        ({"text": ""}, "Bad Request: message text is empty"),
        (
            {
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": ""}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {
                "text": "x",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "é" * 33}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}},
            "Bad Request: can't parse inline keyboard button",
        ),
        ({"text": "x", "reply_markup": {"inline_keyboard": {"a": 1}}}, "Array of Arrays"),
    ],
)
def test_send_message_refusals(
    bot_api_server: BotApiServer, params: dict[str, Any], description: str
) -> None:
    status, body = call(bot_api_server, "sendMessage", chat_id=CHAT.id, parse_mode="HTML", **params)
    assert status == 400 and body["ok"] is False and body["error_code"] == 400
    assert description in body["description"]
    assert bot_api_server.texts(CHAT.id) == []
    assert len(bot_api_server.bad_requests()) == 1


def test_a_4096_character_text_with_markup_fits(bot_api_server: BotApiServer) -> None:
    text = "<b>" + "&amp;" * 4096 + "</b>"
    status, body = call(
        bot_api_server, "sendMessage", chat_id=CHAT.id, parse_mode="HTML", text=text
    )
    assert status == 200 and body["result"]["text"] == "&" * 4096
    bot_api_server.assert_no_bad_requests()


def test_sent_and_edited_messages_are_recorded(bot_api_server: BotApiServer) -> None:
    keyboard = {"inline_keyboard": [[{"text": "More", "callback_data": "more:5:-"}]]}
    _, sent = call(
        bot_api_server,
        "sendMessage",
        chat_id=CHAT.id,
        text="<b>one</b>",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    message_id = sent["result"]["message_id"]
    same = {"chat_id": CHAT.id, "message_id": message_id, "parse_mode": "HTML"}
    status, body = call(
        bot_api_server, "editMessageText", text="<b>one</b>", reply_markup=keyboard, **same
    )
    assert status == 400 and "message is not modified" in body["description"]
    status, _ = call(bot_api_server, "editMessageText", text="two", **same)
    assert status == 200
    [message] = bot_api_server.messages(CHAT.id)
    assert (message.text, message.edits, message.reply_markup) == ("two", ["one"], None)
    status, body = call(
        bot_api_server, "editMessageText", chat_id=CHAT.id, message_id=999, text="x"
    )
    assert body["description"] == "Bad Request: message to edit not found"


def test_get_updates_long_polls_and_drops_acknowledged_updates(
    bot_api_server: BotApiServer,
) -> None:
    threading.Timer(0.2, lambda: bot_api_server.post_message(CHAT, USER, "/start")).start()
    _, body = call(bot_api_server, "getUpdates", timeout=5)
    [update] = body["result"]
    assert update["message"]["text"] == "/start"
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    _, again = call(bot_api_server, "getUpdates", timeout=0)
    assert again["result"] == [update]
    _, acknowledged = call(bot_api_server, "getUpdates", offset=update["update_id"] + 1, timeout=0)
    assert acknowledged["result"] == []
    assert bot_api_server.pending_updates() == 0


def test_injected_429_and_403_have_telegrams_shape(bot_api_server: BotApiServer) -> None:
    bot_api_server.fail_next("sendMessage", error_code=429, retry_after=3)
    status, body = call(bot_api_server, "sendMessage", chat_id=CHAT.id, text="x")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert call(bot_api_server, "sendMessage", chat_id=CHAT.id, text="x")[0] == 200
    bot_api_server.block_chat(CHAT.id)
    status, body = call(bot_api_server, "sendMessage", chat_id=CHAT.id, text="x")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    assert bot_api_server.too_many_requests == 1


def test_a_migrated_group_answers_with_the_new_id(bot_api_server: BotApiServer) -> None:
    group = FakeChat.group(-55, "G")
    bot_api_server.post_group_migration(group, USER, -1000000000055)
    status, body = call(bot_api_server, "sendMessage", chat_id=-55, text="x")
    assert status == 400
    assert body["parameters"] == {"migrate_to_chat_id": -1000000000055}


def test_commands_and_webhook_info(bot_api_server: BotApiServer) -> None:
    commands = [{"command": "latest", "description": "Newest articles"}]
    assert call(bot_api_server, "setMyCommands", commands=commands)[0] == 200
    assert bot_api_server.commands() == commands
    bad = [{"command": "Bad-Name", "description": "x"}]
    assert call(bot_api_server, "setMyCommands", commands=bad)[1]["description"] == (
        "Bad Request: BOT_COMMAND_INVALID"
    )
    assert (
        call(bot_api_server, "setWebhook", url="http://127.0.0.1:9/x", secret_token="a b")[0] == 400
    )
    assert (
        call(bot_api_server, "setWebhook", url="http://127.0.0.1:9/x", secret_token="ok")[0] == 200
    )
    status, body = call(bot_api_server, "getUpdates")
    assert status == 409 and body["description"].startswith("Conflict:")
    assert call(bot_api_server, "getWebhookInfo")[1]["result"]["url"] == "http://127.0.0.1:9/x"
    assert call(bot_api_server, "deleteWebhook")[0] == 200
    assert bot_api_server.webhook is None


def test_rate_limiter_refuses_bursts_past_each_limit() -> None:
    now = [0.0]
    limiter = RateLimiter(30, 1, 20, tolerance=0.0, clock=lambda: now[0])
    assert limiter.check(1, False) is None
    assert limiter.check(1, False) == 1
    assert all(limiter.check(100 + i, False) is None for i in range(29))
    assert limiter.check(500, False) == 1
    now[0] = 1.0
    assert limiter.check(1, False) is None
    group_answers = []
    for second in range(40):
        now[0] = 10.0 + second
        group_answers.append(limiter.check(-9, True))
    first_refusal = next(i for i, answer in enumerate(group_answers) if answer is not None)
    assert first_refusal > 20
    assert group_answers[first_refusal] == 1


def test_jitter_is_forgiven_but_a_sustained_excess_is_caught() -> None:
    now = [0.0]
    limiter = RateLimiter(30, 1, 20, tolerance=0.1, clock=lambda: now[0])
    assert limiter.check(7, False) is None
    now[0] = 0.95
    assert limiter.check(7, False) is None
    answers = []
    for number in range(200):
        now[0] = 1.0 + number / 40
        answers.append(limiter.check(1000 + number, False))
    assert answers[:30] == [None] * 30
    assert any(answer is not None for answer in answers)


def test_enforced_limits_are_counted(bot_api_server: BotApiServer) -> None:
    bot_api_server.enforce_rate_limits(overall_per_second=100, per_chat_per_second=1)
    codes = [call(bot_api_server, "sendMessage", chat_id=CHAT.id, text="x")[0] for _ in range(3)]
    assert codes == [200, 429, 429]
    assert bot_api_server.counters()["rate_limited"] == 2


def test_wait_for_messages_times_out_with_what_arrived(bot_api_server: BotApiServer) -> None:
    call(bot_api_server, "sendMessage", chat_id=CHAT.id, text="only one")
    started = time.monotonic()
    with pytest.raises(AssertionError, match="only one"):
        bot_api_server.wait_for_messages(CHAT.id, 2, timeout=0.2)
    assert time.monotonic() - started < 5
