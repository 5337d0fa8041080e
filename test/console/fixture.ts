// The console tests' world: the demo data (and a 100-series branch) applied
// on PostgreSQL at a fixed instant, a host application's edits, the HTTP app
// `classctl serve` runs (with plan approval), and helpers that read the page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import { buildConfigSet } from '../../controller/core/config/config-set.js';
import { createApprovalActions } from '../../controller/runtime/approve-plan.js';
import { checkApplyGuards } from '../../controller/runtime/guards.js';
import { createLogger } from '../../controller/runtime/logger.js';
import { createMetrics } from '../../controller/runtime/metrics.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { buildApp } from '../../controller/server/app.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { loadInputs } from '../../controller/store/load.js';
import { loadConfigDocumentsFromDir } from '../../controller/sources/files.js';
import { migratedPostgresDatabase } from '../helpers/db.js';

/** Wednesday 2026-11-25, 10:00 in New York: the demo's reference day. */
export const NOW = Date.parse('2026-11-25T15:00:00Z');
/** The week shown: Monday 2026-11-30 to Sunday 2026-12-06, in every branch's own zone. */
export const WEEK = '2026-11-30';
export const WEEK_END = '2026-12-06';
/** A later plan: the horizon has moved on and the holiday stretch has ended (archived). */
export const PLAN_NOW = '2026-12-20T15:00:00.000Z';
export const TOKEN = 'console-test-token';
export const CONFIG_DIR = fileURLToPath(new URL('../../config', import.meta.url));
const DEMO_FILE = fileURLToPath(new URL('../../examples/demo.yaml', import.meta.url));

/** A branch of 100 daily series: what "a week renders in under half a second" is measured on. */
const PERF_INPUTS = {
  branches: [{ id: 'perf', name: 'Perf', timezone: 'America/Chicago' }],
  series: Array.from({ length: 100 }, (_, i) => ({
    id: `perf-${String(i).padStart(3, '0')}`,
    branchId: 'perf',
    title: `Class ${i}`,
    rrule: 'FREQ=DAILY',
    startDate: '2026-11-01',
    endDate: null,
    // Ten rooms, one class an hour in each from 06:00: no double booking.
    startTime: `${String(6 + Math.floor(i / 10)).padStart(2, '0')}:00`,
    durationMinutes: 50,
    capacity: 20,
    instructorId: `coach-${i % 20}`,
    roomId: `room-${i % 10}`,
    exdates: [],
  })),
};

export interface Served {
  url: string;
  dbUrl: string;
  db: Database;
}

export async function loadConfig() {
  const { documents, problems } = await loadConfigDocumentsFromDir(CONFIG_DIR);
  return buildConfigSet(documents, problems);
}

/** The demo (plus the perf branch) applied at NOW, hand edits of a host application, and the app serve runs, listening. */
export async function serve(t: Test): Promise<Served> {
  const dbUrl = await migratedPostgresDatabase(t);
  const db = await openDatabase({ url: dbUrl });
  t.teardown(() => db.close());
  for (const doc of [parseYaml(readFileSync(DEMO_FILE, 'utf8')), PERF_INPUTS]) {
    const loaded = await loadInputs(db, doc);
    if (loaded.problems.length) throw new Error(JSON.stringify(loaded.problems));
  }
  const logger = createLogger({ level: 'silent' });
  const applied = await reconcile({ db, config: await loadConfig(), logger, now: NOW, mode: 'apply', clock: () => NOW, allowMassRemoval: true });
  if (applied.exitCode !== 0) throw new Error(`the demo did not apply: exit ${applied.exitCode}`);
  // What the host application does: bookings, a cancellation, and a person
  // moving Monday's yoga onto the holiday stretch's time and room (a double
  // booking of room studio-b and of instructor ana-ruiz).
  await db.query(`UPDATE class_sessions SET booked_count = 7 WHERE series_id = 'downtown-spin-tue-thu' AND occurrence_key = '2026-12-01'`);
  await db.query(`UPDATE class_sessions SET status = 'cancelled', booked_count = 3 WHERE series_id = 'downtown-spin-tue-thu' AND occurrence_key = '2026-12-03'`);
  await db.query(
    `UPDATE class_sessions y SET starts_at = h.starts_at, ends_at = h.ends_at, room_id = h.room_id, detached = true
       FROM class_sessions h
      WHERE y.series_id = 'downtown-yoga-mon' AND y.occurrence_key = '2026-11-30'
        AND h.series_id = 'downtown-holiday-stretch' AND h.occurrence_key = '2026-11-30'`,
  );
  const metrics = createMetrics({ version: '9.9.9-test', nodeVersion: 'v20.0.0' });
  // As `serve --approval removals` builds it: approvals re-plan at the held plan's instant and pass the write guards.
  const approvals = createApprovalActions({ db, loadConfig, logger, clock: () => NOW, policy: 'removals' });
  const app = await buildApp({
    db,
    loadConfig,
    clock: () => NOW,
    trigger: () => true,
    registry: metrics.registry,
    apiToken: TOKEN,
    approvals,
    checkWriteGuards: async () => {
      await checkApplyGuards(db, { expectedEnv: undefined, allowApply: undefined, action: 'approve a plan' });
    },
    logger,
  });
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, dbUrl, db };
}

/** Shows a view, drawn afresh (also when it is the one on screen), and waits until it is drawn. */
export async function show(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    delete document.querySelector('main')!.dataset.rendered;
    if (location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = h;
  }, hash);
  await page.waitForFunction((h) => document.querySelector('main')?.dataset.rendered === h, hash);
}

/** After an action that navigates: waits for a drawn view whose hash matches. */
export async function shown(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('main')?.dataset.rendered ?? ''), pattern.source);
}

export interface Card {
  sessionId: string;
  start: string;
  localDate: string;
  localStart: string;
  day: string;
  time: string;
  label: string;
  classes: string;
}

export async function cards(page: Page): Promise<Card[]> {
  return page.$$eval('#week .session', (els) =>
    els.map((e) => {
      const el = e as HTMLElement;
      return {
        sessionId: el.dataset.sessionId ?? '',
        start: el.dataset.start ?? '',
        localDate: el.dataset.localDate ?? '',
        localStart: el.dataset.localStart ?? '',
        day: (el.closest('.day') as HTMLElement | null)?.dataset.date ?? '',
        time: el.querySelector('.session-time')?.textContent ?? '',
        label: el.getAttribute('aria-label') ?? '',
        classes: el.className,
      };
    }),
  );
}

/** The branch's sessions whose local start date falls in the week, as the database has them (an instant's local date is unambiguous). */
export async function dbWeek(db: Database, branchId: string, room?: string) {
  return db.query<{ id: string; starts_at: Date; local_date: string; local_start: string }>(
    `SELECT id, starts_at, to_char(starts_at AT TIME ZONE timezone, 'YYYY-MM-DD') AS local_date, to_char(starts_at AT TIME ZONE timezone, 'HH24:MI') AS local_start
       FROM class_sessions
      WHERE branch_id = $1 AND (starts_at AT TIME ZONE timezone)::date BETWEEN $2::date AND $3::date AND ($4::text IS NULL OR room_id = $4)
      ORDER BY starts_at, id`,
    [branchId, WEEK, WEEK_END, room ?? null],
  );
}

