// A 'running' journal row is interrupted when its run is dead: its lease
// expired (whatever process still holds connections — a run that threw
// inside a long-lived `serve` included), or its process is gone. And
// reconcile() finishes its own row on every way out.
import { hostname } from 'node:os';
import t from 'tap';
import { markInterruptedRuns } from '../../controller/runtime/journal.js';
import { reconcile } from '../../controller/runtime/reconcile.js';
import { recordBranchWrite } from '../../controller/store/branch-writes.js';
import { listRuns, startRun } from '../../controller/store/runs.js';
import { eachBackend } from '../helpers/backends.js';
import { baseConfig, silentLogger } from '../helpers/fixtures.js';

const NOW = Date.parse('2026-11-25T15:00:00Z');
const GONE_PID = 2 ** 22 + 17; // above Linux's pid_max default: never a live process

interface LeaseCase {
  name: string;
  /** Lease length at start (negative: already expired by the database clock). */
  leaseMs: number;
  /** Whose row: this live process (it holds connections), or a process that is gone. */
  owner: 'this process' | 'a gone process';
  /** A branch the run committed before it stopped. */
  committed?: { branchId: string; created: number };
  expected: 'running' | 'interrupted';
  summary?: unknown;
}

const cases: LeaseCase[] = [
  { name: 'lease expired, process alive with connections (a run that threw inside serve): interrupted', leaseMs: -1_000, owner: 'this process', expected: 'interrupted' },
  { name: 'lease holds, process alive: still running, left alone', leaseMs: 60_000, owner: 'this process', expected: 'running' },
  { name: 'lease holds but the process is gone (killed): interrupted at once', leaseMs: 60_000, owner: 'a gone process', expected: 'interrupted' },
  {
    name: 'an interrupted row gets what its committed branches wrote as its summary',
    leaseMs: -1_000,
    owner: 'this process',
    committed: { branchId: 'downtown', created: 7 },
    expected: 'interrupted',
    summary: { create: 7, branches: [{ branchId: 'downtown', status: 'applied', created: 7 }] },
  },
];

for (const c of cases) {
  eachBackend(t, c.name, async (t, db) => {
    const owner = c.owner === 'this process' ? { pid: process.pid, host: hostname() } : { pid: GONE_PID, host: hostname() };
    const id = await startRun(db, { mode: 'apply', nowMs: NOW, configDigest: 'd', startedAtMs: NOW, leaseMs: c.leaseMs, ...owner });
    if (c.committed) {
      const { branchId, created } = c.committed;
      await db.transaction((tx) => recordBranchWrite(tx, id, branchId, { created, updated: 0, deleted: 0, cancelled: 0, seriesArchived: 0, notWritten: {} }));
    }
    const marked = await markInterruptedRuns(db, () => NOW + 5_000);
    t.same(marked.map((r) => r.id), c.expected === 'interrupted' ? [id] : []);
    const [row] = await listRuns(db, 1);
    t.equal(row?.status, c.expected);
    if (c.summary) t.match(row?.summary, c.summary);
    const left = await db.query(`SELECT 1 FROM reconcile_branch_writes WHERE run_id = $1::bigint`, [id]);
    t.equal(left.length, c.expected === 'interrupted' ? 0 : Number(c.committed !== undefined), 'branch-write records go with the finished row');
  });
}

const throwing = [
  { name: 'a run that throws after its row is written finishes the row as failed, with the error', point: 'afterSnapshot' as const },
  { name: 'a run that throws after planning finishes the row as failed, with the error', point: 'afterPlan' as const },
  { name: 'a run that throws before finishing finishes the row as failed, with the error', point: 'beforeFinish' as const },
];
for (const c of throwing) {
  eachBackend(t, c.name, async (t, db) => {
    await db.query(`INSERT INTO branches (id, name, timezone) VALUES ('hq', 'HQ', 'UTC')`);
    const boom = async () => {
      throw new Error('injected failure');
    };
    await t.rejects(reconcile({ db, config: baseConfig(), logger: silentLogger(), now: NOW, mode: 'apply', clock: () => NOW, faults: { [c.point]: boom } }), /injected failure/);
    const [row] = await listRuns(db, 1);
    t.match(row, { status: 'failed', error: /injected failure/, leaseExpiresAtMs: null }, "no row left 'running'");
  });
}
