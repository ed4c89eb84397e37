# newsbot: the Telegram bot in a slim image. Build: docker build -t newsbot .
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSBOT_DATA_DIR=/data

RUN useradd --create-home --uid 10001 newsbot \
    && mkdir -p /data /app \
    && chown newsbot:newsbot /data

WORKDIR /app

# Dependencies in their own layer: only pyproject.toml invalidates it.
COPY pyproject.toml README.md ./
RUN mkdir -p bot storage summarizer ingest \
    && touch bot/__init__.py storage/__init__.py summarizer/__init__.py ingest/__init__.py \
    && pip install ".[postgres]" \
    && pip uninstall -y newsbot

COPY bot ./bot
COPY storage ./storage
COPY summarizer ./summarizer
COPY ingest ./ingest
RUN pip install --no-deps .

USER newsbot
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["newsbot", "db", "check"]

CMD ["newsbot", "run"]
