# resetbot: a static binary on a distroless, non-root base.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t resetbot .
#   docker run --env-file resetbot.env -v resetbot-data:/data -v $PWD/policy.yaml:/etc/resetbot/policy.yaml:ro -p 8080:8080 resetbot
#
# No HEALTHCHECK: orchestrators probe /healthz and /readyz on RESETBOT_HTTP_ADDR.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/resetbot ./cmd/resetbot
# The volume's mount point, owned by the nonroot user (65532) so the SQLite file can be created.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/resetbot /usr/local/bin/resetbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV RESETBOT_STORE=sqlite:/data/resetbot.db \
    RESETBOT_POLICY_FILE=/etc/resetbot/policy.yaml \
    RESETBOT_HTTP_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/resetbot"]
CMD ["serve"]
