# zoombot: one instance. Several behind a proxy on one PostgreSQL: compose.yaml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Only what .dockerignore lets through: the app, its pins; no tests, .env or databases.
COPY constraints.txt pyproject.toml README.md ./
COPY bot ./bot
COPY zoom ./zoom
COPY app.py manifest.yml ./
# Exactly the pinned versions (constraints.txt), as `make run` installs them.
RUN pip install -c constraints.txt . \
 && useradd --create-home --uid 10001 zoombot \
 && mkdir /data && chown zoombot:zoombot /data
# The code is root's and read-only to the app; the SQLite database lives in /data, the one
# directory the app may write (compose.yaml's instances use PostgreSQL instead).
USER zoombot
ENV HOST=0.0.0.0 PORT=3000 DATABASE_URL=sqlite:////data/zoombot.db
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request,sys; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=2); sys.exit(0)"
CMD ["python", "app.py"]
