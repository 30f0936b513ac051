# 换届通 production image. The same image runs the web app (gunicorn, default CMD),
# the Celery worker and the Celery beat (see docker-compose.yml). Configuration comes
# only from environment variables (README.md「环境变量」).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files (htmx is vendored under static/vendor) are collected into the image
# and served by WhiteNoise. settings.py refuses to load without these secrets, so
# dummy values are given to this one command only; they are not in the image's
# environment, and collectstatic never connects to a database.
RUN SECRET_KEY=build-only-not-secret \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU= \
    BLIND_INDEX_KEY=build-only-not-secret \
    DISCIPLINE_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1yZWFsLWtleS0zMmJ5dGU= \
    DISCIPLINE_INDEX_KEY=build-only-not-secret \
    python manage.py collectstatic --noinput

# Code stays owned by root (read-only for the app); only var/media (uploads and
# exports, a volume in docker-compose.yml) and var/run (beat schedule) are writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media /app/var/run \
    && chown app:app /app/var/media /app/var/run

USER app
EXPOSE 8000

# Workers: WEB_CONCURRENCY; other gunicorn options: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
