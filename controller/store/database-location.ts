// How a database is named in output and errors: where it is, never who logs in.
import { resolve } from 'node:path';

/** 'postgres://host:port/db': where we connect, without user or password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
    return `postgres://${u.hostname}:${u.port || '5432'}/${db}`;
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/** 'embedded:/abs/path' (or 'embedded:memory://'). */
export function describeEmbedded(dataDir: string): string {
  return `embedded:${dataDir.startsWith('memory://') ? dataDir : resolve(dataDir)}`;
}
