# syntax=docker/dockerfile:1
# Instap's container image. `docker compose up --build` runs it on PostgreSQL with two
# instances (compose.yaml); `docker build -t instap .` builds it alone. README: Running in production.

# Builder: a virtualenv with the pinned dependencies (constraints.txt), no dev tools.
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /opt/venv
# The dependencies first, from pyproject.toml: this layer is reused until they or their pins change.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && /opt/venv/bin/pip install --no-cache-dir -c constraints.txt -r requirements.txt
COPY . .
# Instap itself (in place: the catalogs and templates are found beside the code), and the
# compiled translations (.mo files are not in git).
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps -e . \
    && /opt/venv/bin/pybabel compile -D instap -d locales \
    && rm requirements.txt

# Runtime: Debian slim, the venv and the code, run as an unprivileged user.
FROM python:3.11-slim-bookworm
# pg_dump/pg_restore for `instap backup` and `instap restore` on PostgreSQL (bookworm: 15,
# the server version in compose.yaml). Security updates come with each rebuild, so no pins.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-log-init --uid 10001 --user-group --home-dir /var/lib/instap instap \
    && install -d -o instap -g instap -m 0700 /var/lib/instap
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VAR_DIR=/var/lib/instap \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
USER instap
VOLUME ["/var/lib/instap"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=4)"]
CMD ["instap", "run"]
