"""What every handler gets besides the request: the store, settings, the ingestor, a clock.

Store and Ingestor calls block; handlers call them through ``await ctx.call(fn, *args)``
(``asyncio.to_thread``), and calls that fetch a URL through ``await ctx.fetching(fn, *args)``
(threads of their own). Long jobs that the user should not wait for go through
``ctx.background``.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.config import Settings
from bot.core.types import Request
from bot.i18n import AUTO, _, resolve_language

if TYPE_CHECKING:
    from bot.core.channels import ChannelAccess
    from bot.core.permissions import ChatAdmins
    from ingest.pipeline import Ingestor
    from storage.store import Store
    from storage.views import ChatView, TopicView

log = logging.getLogger(__name__)
T = TypeVar("T")
SubscriptionsHook = Callable[[int], Awaitable[None] | None]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass
class Context:
    """Shared by all handlers of one Core; ``now`` and the hook are injectable for tests."""

    store: Store
    settings: Settings
    ingestor: Ingestor
    now: Callable[[], datetime] = utc_now
    on_subscriptions_changed: SubscriptionsHook | None = None
    bot_username: str = ""
    # State a command module keeps between requests (its caches and limits), by module name.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # Who administers a group (the Telegram adapter asks getChatMember); None: nobody can be
    # told to be one, so only anonymous administrators change a group (see permissions.py).
    chat_admins: ChatAdmins | None = None
    # How channel names and rights are looked up (the Telegram adapter sets it; the console
    # has no channels).
    channels: ChannelAccess | None = None
    _known_chats: dict[int, tuple[str, str, str]] = field(default_factory=dict, repr=False)
    _reply_languages: dict[int, str] = field(default_factory=dict, repr=False)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a blocking call (Store, Ingestor, summarizer) off the event loop."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def fetching(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a blocking call that fetches over the network (/add <url>, /addfeed).

        It runs in the ingestor's own threads, not in the default executor that ``call`` and
        every user's command share: a slow server never makes anyone else wait.
        """
        loop = asyncio.get_running_loop()
        job = functools.partial(fn, *args, **kwargs)
        return await loop.run_in_executor(self.ingestor.fetch_executor, job)

    def background(self, fn: Callable[..., Any], /, *args: Any, label: str = "") -> None:
        """Run a blocking job in a thread without waiting for it; failures are logged."""

        async def runner() -> None:
            try:
                await asyncio.to_thread(fn, *args)
            except Exception:
                log.exception("background job %s failed", label or getattr(fn, "__name__", fn))

        task = asyncio.get_running_loop().create_task(runner())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_background(self) -> None:
        """Wait for background jobs (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def subscriptions_changed(self, chat_id: int) -> None:
        """Tell the scheduler (if one is attached) that a chat's subscriptions changed."""
        hook = self.on_subscriptions_changed
        if hook is None:
            return
        try:
            result = hook(chat_id)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("on_subscriptions_changed(%s) failed", chat_id)

    async def audit(self, req: Request, action: str, detail: str) -> None:
        """Record an admin's action (allowed) in the audit log, with a short detail."""
        await self.call(
            self.store.audit, action, actor_id=req.user_id, chat_id=req.chat.id, detail=detail[:200]
        )

    def is_admin(self, req: Request) -> bool:
        """Admins: flagged by the adapter, or listed in NEWSBOT_ADMIN_IDS."""
        return req.is_admin or (req.user_id is not None and req.user_id in self.settings.admin_ids)

    async def ensure_chat(self, req: Request) -> None:
        """Record the chat on first contact (and when its title changes), cheaply."""
        chat = req.chat
        seen = (chat.type, chat.title, chat.username)
        if self._known_chats.get(chat.id) == seen:
            return
        await self.call(
            self.store.upsert_chat,
            chat.id,
            type=chat.type,
            title=chat.title[:255],
            username=chat.username[:64],
            language=req.language[:8],
            default_timezone=self.settings.default_timezone,
        )
        self._known_chats[chat.id] = seen

    async def reply_language(self, req: Request) -> str:
        """The language to answer this request in (/settings lang, else the user's)."""
        return await self.language_for(req.chat.id, req.language)

    async def language_for(self, chat_id: int, language_code: str) -> str:
        """The reply language in a chat for a user whose Telegram language is ``language_code``
        (the adapters use it for replies that do not go through a command)."""
        preference = self._reply_languages.get(chat_id)
        if preference is None:
            chat = await self.call(self.store.get_chat, chat_id)
            preference = chat.reply_language if chat is not None else AUTO
            self._reply_languages[chat_id] = preference
        return resolve_language(preference, language_code)

    def reply_language_changed(self, chat_id: int, preference: str) -> None:
        """Remember a chat's new /settings lang without asking the database again."""
        self._reply_languages[chat_id] = preference

    async def chat_view(self, req: Request) -> ChatView:
        """The chat's stored settings (time zone, summary length ...)."""
        view = await self.call(self.store.get_chat, req.chat.id)
        if view is None:
            self._known_chats.pop(req.chat.id, None)
            await self.ensure_chat(req)
            view = await self.call(self.store.get_chat, req.chat.id)
        assert view is not None
        return view

    async def topic_by_id(self, topic_id: int) -> TopicView | None:
        """The topic with this id (button payloads carry ids), or None."""
        topics = await self.call(self.store.list_topics)
        return next((topic for topic in topics if topic.id == topic_id), None)

    async def known_topics(self, limit: int = 20) -> str:
        """Up to ``limit`` topic slugs, comma-separated, for a 'no such topic' answer."""
        topics = await self.call(self.store.list_topics)
        return ", ".join(topic.slug for topic in topics[:limit]) or _("none yet")
