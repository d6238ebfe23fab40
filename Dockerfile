FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LIANJIAN_DATA_DIR=/data
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir .
COPY alembic.ini ./
COPY migrations ./migrations
RUN useradd --system --uid 10001 lianjian && mkdir -p /data && chown lianjian /data
USER lianjian
EXPOSE 8000
CMD ["lianjian", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
