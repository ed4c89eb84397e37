"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

It runs aiohttp in a background thread with its own event loop, so it serves a PTB
Application running in the test's event loop as well as a bot in a subprocess. Point the bot
at ``server.url`` (TELEGRAM_API_URL) with ``server.token`` (TELEGRAM_BOT_TOKEN); PTB's
base_url is ``f"{server.url}/bot"``.

It answers like Telegram (same JSON shapes and error descriptions) and checks what Telegram
checks: HTML must parse (``tests.support.telegram_html``), texts are 1..4096 characters after
parsing, callback_data 1..64 bytes, keyboards well formed. Tests play users with
``post_message``/``press_button``/..., read what each chat received with ``messages`` and
``wait_for_messages``, inject failures with ``fail_next``/``block_chat``, and may turn on
Telegram's flood limits with ``enforce_rate_limits``. Every accessor is thread-safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from bot.digests.flood_limits import RateLimiter
from tests.support.api_params import normalize_params
from tests.support.bot_api_files import BotFiles, read_uploads
from tests.support.bot_api_inline import InlineAnswer, InlineQueries
from tests.support.bot_api_members import ChatMembers
from tests.support.bot_api_methods import BotApiMethods
from tests.support.bot_api_readouts import Readouts
from tests.support.bot_api_users import UserActions
from tests.support.fake_telegram import (
    ApiCall,
    BotMessage,
    CallbackAnswer,
    FakeChat,
    WebhookDelivery,
)
from tests.support.validation import (
    ApiError,
)

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz"
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "chat_join_request",
    }
)
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
CHAT_METHODS = SEND_METHODS | {"editmessagetext", "editmessagereplymarkup", "sendchataction"}


@dataclass(slots=True)
class _FailureRule:
    method: str
    error_code: int
    remaining: int
    chat_id: int | None
    retry_after: int | None
    description: str | None


@dataclass(slots=True)
class _Hold:
    """Calls of ``method`` past the first ``after`` are carried out but not answered yet."""

    method: str
    after: int
    passed: int = 0
    held: int = 0


class BotApiServer(UserActions, Readouts, ChatMembers, InlineQueries, BotFiles, BotApiMethods):
    """The fake Bot API; use as a context manager or call ``start``/``stop``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "newsbot_test_bot",
        bot_name: str = "NewsBot",
        host: str = "127.0.0.1",
        port: int = 0,
        max_text_length: int = 4096,
        max_long_poll: float = 5.0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.host = host
        self.port = port
        self.max_text_length = max_text_length
        self.max_long_poll = max_long_poll
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._reset_state()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._wake: asyncio.Event | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._stopping = False

    def _reset_state(self) -> None:
        self._update_ids = itertools.count(1)
        self._last_update_id = 0
        self._callback_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._allowed_updates = DEFAULT_ALLOWED_UPDATES
        self._chats: dict[int, FakeChat] = {}
        self._members: dict[int, dict[int, dict[str, Any]]] = {}
        self._reset_files()
        self._next_message_id: dict[int, int] = {}
        self._user_message_ids: dict[int, set[int]] = {}
        self._bot_messages: dict[int, list[BotMessage]] = {}
        self._calls: list[ApiCall] = []
        self._failures: list[_FailureRule] = []
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}
        self._open_callbacks: dict[str, dict[str, Any]] = {}
        self._callback_answers: list[CallbackAnswer] = []
        self._open_inline_queries: dict[str, dict[str, Any]] = {}
        self._inline_answers: list[InlineAnswer] = []
        self._inline_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._webhook: dict[str, Any] | None = None
        self._webhook_deliveries: list[WebhookDelivery] = []
        self._limiter: RateLimiter | None = None
        self._counters: dict[str, int] = {}
        self._hold: _Hold | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        """The API root, e.g. http://127.0.0.1:PORT (what TELEGRAM_API_URL takes)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: the root plus ``/bot`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User JSON, as getMe returns it."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def start(self) -> BotApiServer:
        """Start serving in a background thread; returns self once it listens."""
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_site())
            except BaseException as error:
                failure.append(error)
                started.set()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._stop_site())
            loop.close()

        self._stopping = False
        self._thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop serving (pending long polls end at once)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._stopping = True
        loop.call_soon_threadsafe(self._wake_waiters)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._loop = None
        self._thread = None
        with self._changed:
            self._changed.notify_all()

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _start_site(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)  # access logs would show the token
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._wake = asyncio.Event()

    async def _stop_site(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(BaseException):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()

    def _wake_waiters(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake = asyncio.Event()

    def _notify_updates(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake_waiters)

    # ------------------------------------------------------------------ HTTP entry
    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = dict(request.query)
        uploads: dict[str, Any] = {}
        try:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            elif request.can_read_body:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
                params.update({k: "<file>" for k, v in form.items() if not isinstance(v, str)})
                uploads = read_uploads(form)
        except (ValueError, UnicodeDecodeError):
            return self._respond(method, {}, ApiError(400, "Bad Request: can't parse request body"))
        if token != self.token:
            return self._respond(method, params, ApiError(401, "Unauthorized"))
        try:
            params = normalize_params(params)
        except ApiError as error:
            return self._respond(method, params, error)
        if uploads:  # sendDocument and the like: the file parts, read (see bot_api_files.py)
            params["_files"] = uploads
        try:
            if method.lower() == "getupdates":
                result: Any = await self._get_updates(params)
            else:
                with self._lock:
                    result = self._dispatch(method, params)
                if method.lower() in {"setwebhook", "deletewebhook"}:
                    self._sync_webhook_task()
                if self._take_hold(method):
                    while self._hold is not None and not self._stopping:
                        await asyncio.sleep(0.02)
        except ApiError as error:
            return self._respond(method, params, error)
        return self._respond(method, params, None, result)

    def _respond(
        self, method: str, params: dict[str, Any], error: ApiError | None, result: Any = None
    ) -> web.Response:
        with self._changed:
            self._record(method, params, error)
            self._changed.notify_all()
        if error is None:
            payload: dict[str, Any] = {"ok": True, "result": result}
            if isinstance(result, bool) and method.lower() in {"setwebhook", "deletewebhook"}:
                payload["description"] = (
                    "Webhook was set" if method.lower() == "setwebhook" else "Webhook was deleted"
                )
            return web.json_response(payload)
        return web.json_response(error.payload(), status=error.code)

    def _record(self, method: str, params: dict[str, Any], error: ApiError | None) -> None:
        call = ApiCall(
            method,
            params,
            error is None,
            None if error is None else error.code,
            None if error is None else error.description,
            time.monotonic(),
            error is not None and error.injected,
        )
        self._calls.append(call)
        key = "ok" if error is None else str(error.code)
        self._counters[key] = self._counters.get(key, 0) + 1
        if error is not None and error.code == 400 and not error.injected:
            log.warning("fake Bot API refused %s: %s", method, error.description)

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        handler: Callable[[dict[str, Any]], Any] | None = getattr(self, f"_api_{name}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        self._check_injected(name, params)
        if name in CHAT_METHODS:
            self._check_chat(params)
        return handler(params)

    def _check_injected(self, name: str, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        for rule in self._failures:
            if rule.method == name and rule.remaining > 0 and rule.chat_id in (None, chat_id):
                rule.remaining -= 1
                self._count("injected")
                failure = self._failure_error(rule)
                failure.injected = True
                raise failure

    def _check_chat(self, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])

    @staticmethod
    def _failure_error(rule: _FailureRule) -> ApiError:
        if rule.error_code == 429:
            retry = rule.retry_after if rule.retry_after is not None else 1
            return ApiError(
                429,
                rule.description or f"Too Many Requests: retry after {retry}",
                {"retry_after": retry},
            )
        if rule.error_code == 403:
            return ApiError(403, rule.description or "Forbidden: bot was blocked by the user")
        return ApiError(rule.error_code, rule.description or "Bad Request: injected failure")

    # ------------------------------------------------------------------ updates
    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list) and allowed:
                self._allowed_updates = frozenset(allowed)
        offset = params.get("offset")
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = min(float(params.get("timeout") or 0), self.max_long_poll)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            wake = self._wake
            with self._lock:
                batch = self._take_updates(offset, limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._stopping or wake is None:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), remaining)

    def _take_updates(self, offset: Any, limit: int) -> list[dict[str, Any]]:
        if isinstance(offset, int) and offset < 0:
            self._pending = self._pending[offset:]
        elif isinstance(offset, int):
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        kept = [u for u in self._pending if self._update_type(u) in self._allowed_updates]
        self._pending = kept
        return kept[:limit]

    @staticmethod
    def _update_type(update: dict[str, Any]) -> str:
        return next(key for key in update if key != "update_id")

    def _sync_webhook_task(self) -> None:
        with self._lock:
            wanted = self._webhook is not None
        running = self._webhook_task is not None and not self._webhook_task.done()
        if wanted and not running:
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())
        self._wake_waiters()

    async def _deliver_webhook(self) -> None:
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while not self._stopping:
                wake = self._wake
                with self._lock:
                    hook = self._webhook
                    update = self._pending[0] if self._pending else None
                if hook is None:
                    return
                if update is None:
                    if wake is not None:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(wake.wait(), 1.0)
                    continue
                status = await self._post_update(session, hook, update)
                with self._changed:
                    self._webhook_deliveries.append(WebhookDelivery(update["update_id"], status))
                    if status == 200 and self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                    self._changed.notify_all()
                if status != 200:
                    await asyncio.sleep(0.2)

    @staticmethod
    async def _post_update(
        session: ClientSession, hook: dict[str, Any], update: dict[str, Any], secret: Any = ...
    ) -> int:
        headers = {}
        token = hook.get("secret_token") if secret is ... else secret
        if token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        try:
            async with session.post(hook["url"], json=update, headers=headers) as response:
                await response.read()
                return response.status
        except Exception:
            return 0

    # ------------------------------------------------------------------ failures and limits
    def fail_next(
        self,
        method: str = "sendMessage",
        *,
        error_code: int = 429,
        count: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` (to ``chat_id`` if given) fail with the code."""
        with self._lock:
            self._failures.append(
                _FailureRule(method.lower(), error_code, count, chat_id, retry_after, description)
            )

    def clear_failures(self) -> None:
        """Forget every failure ``fail_next`` still had to inject."""
        with self._lock:
            self._failures.clear()

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every send to ``chat_id`` answers 403 (the user blocked the bot / kicked it)."""
        default = (
            "Forbidden: bot was blocked by the user"
            if chat_id > 0
            else "Forbidden: bot was kicked from the group chat"
        )
        with self._lock:
            self._blocked[chat_id] = description or default

    def unblock_chat(self, chat_id: int) -> None:
        """Sends to ``chat_id`` work again."""
        with self._lock:
            self._blocked.pop(chat_id, None)

    def enforce_rate_limits(
        self,
        overall_per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        per_group_per_minute: float = 20.0,
        *,
        tolerance: float = 0.1,
    ) -> None:
        """Answer 429 (with retry_after) past Telegram's flood limits on sendMessage.

        ``tolerance``: seconds of network jitter forgiven (a send that early still passes).
        """
        with self._lock:
            self._limiter = RateLimiter(
                overall_per_second, per_chat_per_second, per_group_per_minute, tolerance=tolerance
            )

    def hold_responses(self, method: str = "sendMessage", *, after: int = 0) -> None:
        """Past the next ``after`` calls of ``method``, calls are carried out (a message is
        stored, as on Telegram) but answered only at ``release_responses()``: a crash then
        finds the message delivered and its answer never read."""
        with self._lock:
            self._hold = _Hold(method.lower(), after)

    def release_responses(self) -> None:
        """Answer every held call; later calls are answered at once again."""
        with self._lock:
            self._hold = None

    @property
    def held_responses(self) -> int:
        """How many calls were held since ``hold_responses``."""
        with self._lock:
            return 0 if self._hold is None else self._hold.held

    def _take_hold(self, method: str) -> bool:
        with self._lock:
            hold = self._hold
            if hold is None or hold.method != method.lower():
                return False
            if hold.passed < hold.after:
                hold.passed += 1
                return False
            hold.held += 1
            return True

    def disable_rate_limits(self) -> None:
        """Stop enforcing flood limits."""
        with self._lock:
            self._limiter = None
