FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 intake
WORKDIR /app
COPY pyproject.toml README.md ./
COPY intake intake
COPY workers workers
COPY extractors extractors
COPY models models
COPY api api
RUN pip install --no-cache-dir .
USER intake
ENV INTAKE_HOME=/data OMP_THREAD_LIMIT=1
EXPOSE 8000
CMD ["intake", "serve", "--no-worker", "--host", "0.0.0.0", "--port", "8000"]
