# sedata as a container: `docker build -t sedata .` then
#   docker run --rm -v "$PWD:/data" sedata validate exports/upload.xml --format sarif --out report.sarif
# The working directory /data is where the files are mounted; the CLI is the entry point.
FROM python:3.12-slim

LABEL org.opencontainers.image.title="sedata" \
      org.opencontainers.image.description="China special-equipment data standards, executable: validate exchange files" \
      org.opencontainers.image.licenses="Apache-2.0"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/sedata
COPY pyproject.toml README.md LICENSE ./
COPY sedata ./sedata
RUN pip install --no-cache-dir . \
    && groupadd --gid 10001 sedata \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin sedata

# Numeric, so Kubernetes' runAsNonRoot can tell it is not root.
USER 10001:10001
WORKDIR /data
ENTRYPOINT ["sedata"]
CMD ["--help"]
