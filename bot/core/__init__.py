"""The transport-free bot core: a ``Request`` in, a ``Reply`` out (see ``bot.core.app.Core``).

How to add a command:

1. Create ``bot/core/commands/<area>.py`` (one module per area; importing it registers it;
   ``bot.core.app`` imports every module in that package, no other wiring needed)::

       from bot.core.context import Context
       from bot.core.registry import callback, command
       from bot.core.template import fill
       from bot.core.types import Button, Reply, Request, Text, bold
       from bot.i18n import N_, _

       @command("digest", help=N_("a digest of a topic now"), usage="/digest [topic]",
                examples=("/digest", "/digest world"))
       async def digest(ctx: Context, req: Request) -> Reply:
           topic = await ctx.call(ctx.store.find_topic, req.args.strip())  # blocking -> thread
           if topic is None:
               return Reply.say(_("No such topic. See /topics."))
           # each argument of Reply.say is one item (items are separated by a blank line)
           return Reply.say(fill(_("Digest of {topic}"), topic=bold(topic.name)), ...,
                            keyboard=[[Button(_("Again"), "dig:1")]])

       @callback("dig")                      # handles callback_data "dig:<payload>"
       async def on_dig(ctx: Context, req: Request, payload: str) -> Reply:
           return Reply.say("...", edit=True, toast=_("Done"))

2. ``admin=True`` commands are refused for non-admins (and audited) before your handler runs.
3. Never format HTML yourself: build items from spans (``plain``, ``bold``, ``italic``,
   ``code``, ``link``) and let ``bot.core.render`` escape and split them. callback_data is cut
   to 64 bytes by ``Button``; keep payloads short.
4. Every reply string goes through ``_()`` / ``ngettext()`` (``bot/i18n.py``; then
   ``make translations`` and translate the new entries); ``tests/bot/test_i18n.py`` fails on an
   English phrase in a reply module that bypasses the catalogs.
5. Raise ``StorageError``/``SummarizerError``/``IngestError``/``RuleError`` for user-facing
   errors, with a ``code=`` and its params and a template for the code in
   ``bot/core/errors.py`` (the bot says it in the reader's language), or return a Reply; any
   other exception becomes a short apology (and a log line).
6. Use ``ctx.now()`` for the time (tests inject a clock) and
   ``await ctx.subscriptions_changed(chat_id)`` after changing subscriptions.
"""
