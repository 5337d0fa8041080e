// Series digests (store/series-digests.ts): the database's digest of a series'
// future sessions must equal the run's digest of the same sessions exactly
// when the two sets are equal in every compared field — on both backends.
// A false "equal" would hide a change from the plan; a false "different" only
// costs a full read, but would make every run slow, so both directions count.
import t from 'tap';
import type { DesiredSession } from '../../controller/core/types.js';
import { matchesDigest } from '../../controller/store/series-digests.js';
import { seriesDigestsOf } from '../helpers/digests.js';
import { writeSessionChanges } from '../../controller/store/sessions.js';
import { DAY, HOUR, NOW, createChange, desired, forEachBackend, seedBranch } from './helpers.js';

const MON = Date.parse('2026-11-30T14:00:00Z');
const WED = Date.parse('2026-12-02T14:00:00Z');
const twoSessions = (extra: Partial<DesiredSession> = {}): DesiredSession[] => [
  desired('yoga', '2026-11-30', MON, extra),
  desired('yoga', '2026-12-02', WED, extra),
];

interface DigestCase {
  name: string;
  /** Written to class_sessions (at NOW - DAY, so all are in the future at NOW). */
  stored: DesiredSession[];
  /** Then changed by hand, as the host application or a person might. */
  meanwhile?: string;
  /** What the run wants. */
  wanted: DesiredSession[];
  /** `now` of the digest read (default NOW). */
  now?: number;
  equal: boolean;
}

const cases: DigestCase[] = [
  { name: 'the same two sessions: equal', stored: twoSessions(), wanted: twoSessions(), equal: true },
  {
    name: 'instants before 2000 (negative microseconds since the PostgreSQL epoch): equal',
    stored: [desired('yoga', '1999-12-31', Date.parse('1999-12-31T23:00:00Z'))],
    wanted: [desired('yoga', '1999-12-31', Date.parse('1999-12-31T23:00:00Z'))],
    now: Date.parse('1999-12-01T00:00:00Z'),
    equal: true,
  },
  {
    name: 'instants after 2038 (beyond 32-bit seconds): equal',
    stored: [desired('yoga', '2040-06-01', Date.parse('2040-06-01T14:00:00Z'))],
    wanted: [desired('yoga', '2040-06-01', Date.parse('2040-06-01T14:00:00Z'))],
    equal: true,
  },
  {
    name: "a title with a quote, a backslash and an emoji: equal",
    stored: twoSessions({ title: `Yoga "Flow" O'Neil \\ \u{1F9D8}` }),
    wanted: twoSessions({ title: `Yoga "Flow" O'Neil \\ \u{1F9D8}` }),
    equal: true,
  },
  { name: 'no instructor and no room (NULLs): equal', stored: twoSessions({ instructorId: null, roomId: null, capacity: null }), wanted: twoSessions({ instructorId: null, roomId: null, capacity: null }), equal: true },
  {
    name: 'a later desired session beyond the last stored key is left to the diff: equal up to that key',
    stored: twoSessions(),
    wanted: [...twoSessions(), desired('yoga', '2026-12-04', WED + 2 * DAY)],
    equal: true,
  },
  { name: 'a start one minute later', stored: twoSessions(), wanted: [desired('yoga', '2026-11-30', MON + 60_000), desired('yoga', '2026-12-02', WED)], equal: false },
  { name: 'an end one minute later', stored: twoSessions(), wanted: [desired('yoga', '2026-11-30', MON, { endsAt: MON + HOUR + 60_000 }), desired('yoga', '2026-12-02', WED)], equal: false },
  { name: 'a start stored with one microsecond more', stored: twoSessions(), meanwhile: `UPDATE class_sessions SET starts_at = starts_at + interval '1 microsecond' WHERE occurrence_key = '2026-12-02'`, wanted: twoSessions(), equal: false },
  { name: 'a title changed', stored: twoSessions(), wanted: twoSessions({ title: 'Pilates' }), equal: false },
  { name: 'one session renamed by hand', stored: twoSessions(), meanwhile: `UPDATE class_sessions SET title = 'Renamed' WHERE occurrence_key = '2026-12-02'`, wanted: twoSessions(), equal: false },
  { name: 'an instructor changed', stored: twoSessions(), wanted: twoSessions({ instructorId: 'ben' }), equal: false },
  { name: 'an instructor removed (NULL against a value)', stored: twoSessions(), wanted: twoSessions({ instructorId: null }), equal: false },
  { name: "a room named 'NULL' against no room", stored: twoSessions({ roomId: 'NULL' }), wanted: twoSessions({ roomId: null }), equal: false },
  { name: 'a capacity changed', stored: twoSessions(), wanted: twoSessions({ capacity: 20 }), equal: false },
  { name: 'a session cancelled by hand', stored: twoSessions(), meanwhile: `UPDATE class_sessions SET status = 'cancelled' WHERE occurrence_key = '2026-11-30'`, wanted: twoSessions(), equal: false },
  { name: 'a session detached by hand', stored: twoSessions(), meanwhile: `UPDATE class_sessions SET detached = true WHERE occurrence_key = '2026-11-30'`, wanted: twoSessions(), equal: false },
  { name: 'a session no longer wanted', stored: twoSessions(), wanted: twoSessions().slice(1), equal: false },
  { name: 'a wanted session missing from the database', stored: twoSessions().slice(1), wanted: twoSessions(), equal: false },
  { name: 'a key moved by hand, same instants', stored: twoSessions(), meanwhile: `UPDATE class_sessions SET occurrence_key = '2026-12-01' WHERE occurrence_key = '2026-11-30'`, wanted: twoSessions(), equal: false },
  {
    name: 'the two sessions\' instants swapped between their keys (the same instants, the same keys): different',
    stored: twoSessions(),
    meanwhile: `UPDATE class_sessions SET (starts_at, ends_at) = (SELECT o.starts_at, o.ends_at FROM class_sessions AS o WHERE o.id <> class_sessions.id)`,
    wanted: twoSessions(),
    equal: false,
  },
  { name: 'instructor and room values swapped: different', stored: twoSessions({ instructorId: 'ana', roomId: 'studio-1' }), wanted: twoSessions({ instructorId: 'studio-1', roomId: 'ana' }), equal: false },
  { name: 'a capacity of 0 against none (NULL): different', stored: twoSessions({ capacity: 0 }), wanted: twoSessions({ capacity: null }), equal: false },
  { name: 'a negative capacity stored and wanted: equal', stored: twoSessions({ capacity: -1 }), wanted: twoSessions({ capacity: -1 }), equal: true },
  { name: 'a third session stored by hand on another key with the same instants: different', stored: twoSessions(), meanwhile: `INSERT INTO class_sessions (series_id, branch_id, occurrence_key, title, starts_at, ends_at, timezone, instructor_id, room_id, capacity) SELECT series_id, branch_id, '2026-12-01', title, starts_at, ends_at, timezone, instructor_id, room_id, capacity FROM class_sessions WHERE occurrence_key = '2026-12-02'`, wanted: twoSessions(), equal: false },
  {
    name: 'a non-ASCII key stored by hand against the wanted one',
    stored: [desired('yoga', '2026-12-02', WED)],
    meanwhile: `UPDATE class_sessions SET occurrence_key = '2026-12-0²'`,
    wanted: [desired('yoga', '2026-12-02', WED)],
    equal: false,
  },
];

forEachBackend(t, cases, async (t, db, c) => {
  await seedBranch(db);
  await db.transaction((tx) => writeSessionChanges(tx, c.stored.map(createChange), NOW - DAY));
  if (c.meanwhile) await db.query(c.meanwhile);
  const digests = await seriesDigestsOf(db, 'downtown', c.now ?? NOW);
  t.equal(digests.length, 1, 'one digest for the one series');
  t.equal(matchesDigest(c.wanted, digests[0]!), c.equal, c.equal ? 'the digests agree' : 'the digests differ');
});

t.test('a series whose sessions have all started has no digest', async (t) => {
  forEachBackend(t, [{ name: 'started' }], async (t, db) => {
    await seedBranch(db);
    await db.transaction((tx) => writeSessionChanges(tx, twoSessions().map(createChange), NOW - DAY));
    t.same(await seriesDigestsOf(db, 'downtown', WED + HOUR), []);
  });
});
