# kzcn-bot: build with the same locked release build CI runs, then copy the binary and the
# knowledge base into a slim image that runs as a non-root user.
#
#   docker build -t kzcn-bot .
#   docker run --env-file .env -v kzcn-data:/data kzcn-bot
#   docker run --env-file .env -v "$PWD/knowledge:/app/knowledge:ro" kzcn-bot   # your own knowledge

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && ./target/release/kzcn-bot check knowledge

FROM debian:bookworm-slim
# TLS roots are compiled into the binary (rustls), so the image needs no OpenSSL or CA package.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin kzcn \
    && mkdir -p /app /data \
    && chown kzcn /data
COPY --from=build /src/target/release/kzcn-bot /usr/local/bin/kzcn-bot
COPY --from=build /src/knowledge /app/knowledge
WORKDIR /app
ENV KNOWLEDGE_DIR=/app/knowledge \
    DATA_DIR=/data \
    RUST_LOG=info
VOLUME ["/data"]
USER 10001
# docker stop sends SIGTERM: the bot finishes the answers in flight and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["kzcn-bot"]
CMD ["serve"]
