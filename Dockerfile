# One image for every service: `docker compose` runs it as `orderctl serve --service NAME …`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds against Node's headers when no prebuilt binary fits; Chrome is not needed in a service.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scenarios ./scenarios
COPY variants ./variants
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc otherwise keeps freed 16 MB password-hashing buffers in every thread's arena (see bin/orderctl).
ENV MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/scenarios ./scenarios
COPY --from=build /app/variants ./variants
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/orderctl"]
