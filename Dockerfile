# spirit-ml: one image for the API (serve), the workers (worker) and one-off commands (migrate, pipeline…).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: chdb lists optional engines for other platforms that are not published for its
# version, so they are not in the lock and `npm ci` refuses it ("Missing: @chdb/lib-darwin-arm64@ from lock file").
# With the lock present, `npm install` installs the locked versions (as .ci/run does).
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# The data directory holds nothing shared in a deployment (servers hold the data; models are a volume).
RUN mkdir -p /srv/spirit/data /srv/spirit/models && chown -R node:node /srv/spirit
USER node
# --no-memory-reducer: V8 flags for a serving process, given at start (platform/serving-v8.ts).
ENTRYPOINT ["node", "--no-memory-reducer", "bin/spirit-ml.js"]
CMD ["serve"]
