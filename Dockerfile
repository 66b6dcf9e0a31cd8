FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY core ./core
COPY providers ./providers
COPY api ./api
COPY workers ./workers
COPY cli ./cli
COPY migrations ./migrations
RUN pip install --no-cache-dir .
RUN useradd --create-home panel
USER panel
EXPOSE 8000
CMD ["panel", "serve", "--host", "0.0.0.0", "--port", "8000"]
