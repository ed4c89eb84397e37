"""newsbot ingestion: articles from URLs, feeds and files, summarized and tagged by topic.

Entry points: ``ingest.pipeline.Ingestor`` (add_text, add_url), ``ingest.feeds`` (add_feed,
FeedPoller), ``ingest.feed_polling`` (poll_due_feeds, the background thread), ``ingest.opml``
(OPML lists), ``ingest.tagging`` (topic rules) and ``ingest.defaults`` (the default
topics). Everything is synchronous; the async bot calls it through ``asyncio.to_thread``.
"""
