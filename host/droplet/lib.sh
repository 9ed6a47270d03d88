#!/usr/bin/env bash
# Functions shared by the release scripts; sourced, never run.

log() {
    echo "${LOG_PREFIX:-release}: $*" >&2
}

# Pulls an image, retrying with exponential backoff: a registry hiccup must not fail a release.
# Usage: pull_image IMAGE ATTEMPTS
pull_image() {
    local image="$1" attempts="$2" attempt=1 delay=1
    while true; do
        if docker pull --quiet "$image" >/dev/null; then
            log "pulled $image (attempt $attempt)"
            return 0
        fi
        if ((attempt >= attempts)); then
            log "could not pull $image after $attempts attempts"
            return 1
        fi
        log "pull of $image failed (attempt $attempt); retrying in ${delay}s"
        sleep "$delay"
        attempt=$((attempt + 1))
        delay=$((delay < 16 ? delay * 2 : 16))
    done
}
