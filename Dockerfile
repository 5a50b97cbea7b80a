# Segmento as a container: builds the static site with the project's own setup
# script, then serves dist/ with nginx (about 50 MB, no application server:
# all processing happens in the visitor's browser).
#
#   docker build -t segmento .
#   docker run --rm -p 8080:8080 segmento      # then open http://localhost:8080
#
# Already built dist/ (trunk build --release)? `docker build --target serve-prebuilt -t segmento .`

FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
RUN bash -c '. scripts/setup.sh && trunk build --release'

FROM nginx:1.27-alpine AS serve
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/dist /usr/share/nginx/html
EXPOSE 8080

FROM nginx:1.27-alpine AS serve-prebuilt
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY dist /usr/share/nginx/html
EXPOSE 8080

# The default target: build from source.
FROM serve
