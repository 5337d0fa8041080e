// The web console: GET / answers its page, GET /console/assets/… its scripts,
// styles and icon, all read from the console/ directory beside this module
// (copied into dist/ by `npm run build`). The files are read once, when the
// app is built: nothing is fetched from elsewhere at run time, so the console
// works on a network with no way out, and a request can only name a file that
// was listed then (no path from the URL ever reaches the file system).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, HttpErrorCodes } from '../http-errors.js';

export const CONSOLE_ASSETS_PREFIX = '/console/assets/';

const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Scripts and styles only from this server, no inline script or style
 * attribute, requests only back to this server (the API), no framing, no
 * form posting elsewhere: an injected string in a series title cannot run or
 * send anything anywhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Every file under dir by its URL path (forward slashes), with its type and a content hash. */
function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && CONTENT_TYPES[extname(entry.name)]) {
        const body = readFileSync(path);
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        assets.set(relative(dir, path).split(sep).join('/'), { body, type: CONTENT_TYPES[extname(entry.name)]!, etag });
      }
    }
  };
  walk(dir);
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  // Asset URLs carry no version, so the browser revalidates each time (a
  // 304 when nothing changed): a new release is never half-cached.
  void reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

export function registerConsoleRoutes(app: FastifyInstance, opts: { dir?: string } = {}): void {
  const assets = readAssets(opts.dir ?? CONSOLE_DIR);
  const page = assets.get('index.html');
  if (!page) throw new Error(`The web console's index.html is missing from ${opts.dir ?? CONSOLE_DIR}; run \`npm run build\`.`);
  app.get('/', async (request, reply) => send(request, reply, page));
  app.get<{ Params: { '*': string } }>(`${CONSOLE_ASSETS_PREFIX}*`, async (request, reply) => {
    const name = request.params['*'];
    const asset = name === 'index.html' ? undefined : assets.get(name);
    if (!asset) throw new HttpError(404, HttpErrorCodes.ROUTE_NOT_FOUND, `The console has no asset "${name}".`);
    return send(request, reply, asset);
  });
}
