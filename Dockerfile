# puente in a container: a static-enough binary built with cgo (SQLite is compiled in) in a
# Go image, run as a non-root user in a small Debian image. See docs/deploy.md.
#
#   docker build -t puente .
#   docker run -d --name puente --read-only --tmpfs /tmp:rw,noexec,nosuid \
#     --cap-drop ALL --security-opt no-new-privileges \
#     -v puente-data:/data -p 127.0.0.1:8080:8080 \
#     -e TELEGRAM_BOT_TOKEN -e PUENTE_OPERATOR_NAME -e PUENTE_OPERATOR_CONTACT \
#     -e PUENTE_SECRET_FILE=/run/secrets/puente-secret -v /etc/puente/secret:/run/secrets/puente-secret:ro \
#     puente

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/puente ./cmd/puente

FROM debian:bookworm-slim
# ca-certificates: to reach api.telegram.org over HTTPS.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 puente \
 && useradd --system --uid 10001 --gid puente --home-dir /data --shell /usr/sbin/nologin puente \
 && install -d -o puente -g puente -m 0700 /data
COPY --from=build /out/puente /usr/local/bin/puente
USER 10001:10001
ENV PUENTE_DATA_DIR=/data \
    PUENTE_HTTP_ADDR=0.0.0.0:8080 \
    PUENTE_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/puente", "health"]
ENTRYPOINT ["/usr/local/bin/puente"]
CMD ["serve"]
