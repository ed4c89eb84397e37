# newsbot: the Telegram bot in a slim image. Build: scripts/build-image.sh (docker, podman or
# buildah), or `docker build -t newsbot .`. Run: see "Deploy" in README.md.
#
# Two stages, correct by construction: the build stage turns the sources into wheels (ours and
# every dependency's), the runtime stage installs those wheels and nothing else. No editable
# install, no placeholder packages, no compiler or source tree in the final image.
# tests/test_image.py performs these steps without a container engine.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY storage ./storage
COPY summarizer ./summarizer
COPY ingest ./ingest
# The pip cache survives between builds, so a source change does not download anything again.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels ".[postgres]"

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSBOT_DATA_DIR=/data \
    NEWSBOT_HTTP_PORT=8080
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels "newsbot-digest[postgres]" \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home newsbot \
    && mkdir -p /data \
    && chown newsbot:newsbot /data

# An empty working directory: no stray .env or sources next to the installed package.
WORKDIR /app
USER newsbot
VOLUME ["/data"]
# 8080: /healthz and /metrics (NEWSBOT_HTTP_PORT); 8443: the webhook (NEWSBOT_WEBHOOK_PORT).
EXPOSE 8080 8443
# The bot stops polling, finishes the updates and digests in flight and exits within 8 s;
# give it longer than that before a SIGKILL (compose: stop_grace_period, docker stop -t).
STOPSIGNAL SIGTERM
# A tiny stdlib client against the bot's own health endpoint: no app import, no database
# connection, no migrations, no proxy; it fails when the bot stopped polling (README: Health).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/healthz' % os.environ.get('NEWSBOT_HTTP_PORT', '8080'), timeout=4)"]

CMD ["newsbot", "run"]
