// A fake Kubernetes API server: no real API server can run in these tests, so
// this node:http server on 127.0.0.1 speaks exactly the endpoints the
// SchedulingConfig source uses — list, watch (?watch=true, one JSON event per
// line, chunked) and the status-subresource merge patch — and records every
// request so tests can assert what was sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsonMergePatch from 'json-merge-patch';
import { KubeConfig } from '@kubernetes/client-node';

const PREFIX = '/apis/scheduling.classctl.dev/v1/namespaces/';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** A canned failure for the next `times` requests of one kind. */
export interface Fault {
  kind: 'list' | 'watch' | 'patch' | 'event';
  status: number;
  times: number;
  message?: string;
}

interface OpenWatch {
  namespace: string;
  res: ServerResponse;
}

export type Obj = Record<string, any>;

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** A KubeConfig whose current context points here, namespace ns1. */
  kubeConfig(): KubeConfig;
  /** Stores a SchedulingConfig (adds namespace, uid, generation 1, resourceVersion) and notifies watchers (ADDED). */
  put(namespace: string, raw: Obj): Obj;
  /** Replaces the spec: generation + 1, watchers get MODIFIED. */
  editSpec(namespace: string, name: string, spec: Obj, notify?: boolean): Obj;
  remove(namespace: string, name: string): void;
  get(namespace: string, name: string): Obj | undefined;
  fail(fault: Fault): void;
  /** Ends every open watch stream, as an API server does on its timeout or a restart. */
  closeWatches(): void;
  /** Sends a raw event line to every open watch of a namespace. */
  send(namespace: string, event: { type: string; object: unknown }): void;
  openWatches(): number;
  close(): Promise<void>;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const store = new Map<string, Map<string, Obj>>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const watches = new Set<OpenWatch>();
  let resourceVersion = 100;
  let uid = 0;

  const bucket = (ns: string) => {
    let b = store.get(ns);
    if (!b) store.set(ns, (b = new Map()));
    return b;
  };
  const notify = (namespace: string, type: string, object: unknown) => {
    for (const w of watches) if (w.namespace === namespace) w.res.write(JSON.stringify({ type, object }) + '\n');
  };
  const takeFault = (kind: Fault['kind']) => {
    const f = faults.find((x) => x.kind === kind && x.times > 0);
    if (f) f.times--;
    return f;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    const eventsPath = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(url.pathname);
    if (eventsPath && req.method === 'POST') {
      const fault = takeFault('event');
      if (fault) return status(res, fault.status, fault.message ?? 'injected failure');
      const event: Obj = structuredClone(body as Obj);
      event.metadata = { ...event.metadata, name: `${event.metadata?.generateName ?? 'event.'}${++uid}`, namespace: decodeURIComponent(eventsPath[1]!) };
      return json(res, 201, event);
    }
    if (!url.pathname.startsWith(PREFIX)) return status(res, 404, 'the server could not find the requested resource');
    const [namespace, plural, name, sub, ...rest] = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
    if (plural !== 'schedulingconfigs' || rest.length > 0) return status(res, 404, 'the server could not find the requested resource');

    if (req.method === 'GET' && name === undefined) {
      const watching = url.searchParams.get('watch') === 'true';
      const fault = takeFault(watching ? 'watch' : 'list');
      if (fault) return status(res, fault.status, fault.message ?? 'injected failure');
      if (!watching) {
        const items = [...bucket(namespace).values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
        return json(res, 200, { apiVersion: 'scheduling.classctl.dev/v1', kind: 'SchedulingConfigList', metadata: { resourceVersion: String(resourceVersion) }, items });
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const w: OpenWatch = { namespace, res };
      watches.add(w);
      res.on('close', () => watches.delete(w));
      return;
    }

    if (req.method === 'PATCH' && name !== undefined && sub === 'status') {
      const fault = takeFault('patch');
      if (fault) return status(res, fault.status, fault.message ?? 'injected failure');
      const current = bucket(namespace).get(name);
      if (!current) return status(res, 404, `schedulingconfigs.scheduling.classctl.dev "${name}" not found`);
      if (req.headers['content-type'] !== 'application/merge-patch+json') return status(res, 415, `the body of the request was in an unknown format: ${req.headers['content-type']}`);
      // The status subresource ignores everything but status, and never bumps the generation.
      const patch = (body as Obj | undefined)?.status;
      const updated: Obj = structuredClone(current);
      updated.status = jsonMergePatch.apply(structuredClone(current.status ?? {}), patch ?? {});
      updated.metadata.resourceVersion = String(++resourceVersion);
      bucket(namespace).set(name, updated);
      notify(namespace, 'MODIFIED', updated);
      return json(res, 200, updated);
    }
    return status(res, 405, `${req.method} is not supported by the fake API server`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'c', cluster: 'fake', user: 'u', namespace: 'ns1' }],
        currentContext: 'c',
      });
      return kc;
    },
    put(namespace, raw) {
      const obj: Obj = structuredClone(raw);
      obj.metadata = {
        ...obj.metadata,
        namespace,
        uid: `uid-${++uid}`,
        generation: obj.metadata?.generation ?? 1,
        resourceVersion: String(++resourceVersion),
        creationTimestamp: '2026-11-01T00:00:00Z',
      };
      bucket(namespace).set(obj.metadata.name, obj);
      notify(namespace, 'ADDED', obj);
      return obj;
    },
    editSpec(namespace, name, spec, shouldNotify = true) {
      const obj = bucket(namespace).get(name);
      if (!obj) throw new Error(`no ${namespace}/${name}`);
      obj.spec = structuredClone(spec);
      obj.metadata.generation += 1;
      obj.metadata.resourceVersion = String(++resourceVersion);
      if (shouldNotify) notify(namespace, 'MODIFIED', obj);
      return obj;
    },
    remove(namespace, name) {
      const obj = bucket(namespace).get(name);
      bucket(namespace).delete(name);
      if (obj) notify(namespace, 'DELETED', obj);
    },
    get: (namespace, name) => bucket(namespace).get(name),
    fail: (fault) => void faults.push({ ...fault }),
    closeWatches() {
      for (const w of watches) w.res.end();
      watches.clear();
    },
    send(namespace, event) {
      notify(namespace, event.type, event.object);
    },
    openWatches: () => watches.size,
    async close() {
      for (const w of watches) w.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function status(res: ServerResponse, code: number, message: string) {
  const reason = { 403: 'Forbidden', 404: 'NotFound', 415: 'UnsupportedMediaType', 500: 'InternalError' }[code] ?? 'Unknown';
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Polls until `check` holds (events cross a real socket, so they land a few ticks later). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
