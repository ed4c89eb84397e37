#!/usr/bin/env sh
# Build the newsbot image with whatever OCI builder is installed: docker, podman or buildah.
# Usage: scripts/build-image.sh [TAG]   (default newsbot:VERSION and newsbot:latest)
# Set BUILDER=docker|podman|buildah to choose one. Not part of CI (it needs the base image).
set -eu
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
tag=${1:-newsbot:${version:-latest}}

builder=${BUILDER:-}
if [ -z "$builder" ]; then
    for candidate in docker podman buildah; do
        if command -v "$candidate" >/dev/null 2>&1; then
            builder=$candidate
            break
        fi
    done
fi

case "$builder" in
    docker)
        # The Dockerfile uses RUN --mount (cache and bind from the build stage): BuildKit.
        DOCKER_BUILDKIT=1 docker build --tag "$tag" --tag newsbot:latest .
        ;;
    podman)
        podman build --tag "$tag" --tag newsbot:latest .
        ;;
    buildah)
        buildah build --tag "$tag" --tag newsbot:latest .
        ;;
    "")
        echo "build-image.sh: no image builder found (install docker, podman or buildah)" >&2
        exit 1
        ;;
    *)
        echo "build-image.sh: BUILDER=$builder is not one of docker, podman, buildah" >&2
        exit 1
        ;;
esac
echo "Built $tag. Run it: docker run --env-file .env -v newsbot-data:/data $tag"
