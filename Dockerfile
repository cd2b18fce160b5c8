# ringlab's command line in a container: `docker run ringlab --sweep … --shard i/N` prints one
# shard of a sweep as JSON lines (docs/SCALING.md shows it as a Kubernetes Indexed Job, a Slurm
# array and with GNU parallel). The image holds Node and one bundled file, nothing else.
#
#   docker build -t ringlab .
#   docker run --rm ringlab --preset fwd-mlx5-cx4lx-e5v4 --format json
#   docker run --rm ringlab --sweep traffic.load=0.1..1.2:12 --shard 0/4 > shard-0.jsonl

# Build: install the locked dependencies (no install scripts, no browser download: only the
# bundler is needed) and bundle the CLI with esbuild, the bundler tsx and Vite bring.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx esbuild src/cli/main.ts --bundle --platform=node --format=esm --target=node20 --outfile=/out/ringlab.mjs \
 && node /out/ringlab.mjs --version

# Run: Node and the bundle.
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /out/ringlab.mjs ./ringlab.mjs
USER node
ENTRYPOINT ["node", "/app/ringlab.mjs"]
CMD ["--help"]
