// takeSnapshot: the documented shape, camelCase, stably sorted whatever the insert
// order, and loadable again (its branches and series are the load shape).
import t from 'tap';
import { validateLoadDocument } from '../../controller/core/load/validate-load.js';
import { writeSessionChanges } from '../../controller/store/sessions.js';
import { loadInputs } from '../../controller/store/load.js';
import { takeSnapshot } from '../../controller/store/snapshot.js';
import { HOUR, NOW, createChange, desired, forEachBackend } from './helpers.js';

const series = (id: string, branchId: string) => ({
  id, branchId, title: id, rrule: 'FREQ=DAILY', startDate: '2026-11-01', endDate: null, startTime: '09:00',
  durationMinutes: null, capacity: null, instructorId: null, roomId: null, exdates: [],
});

t.test('takeSnapshot', async (t) => {
  forEachBackend(t, [{ name: 'stable order and shape' }], async (t, db) => {
    // Ids chosen so that a locale-aware sort would differ from code-unit order ('B' < 'a' < 'b').
    const r = await loadInputs(db, {
      branches: [
        { id: 'b-branch', name: 'B', timezone: 'Europe/London' },
        { id: 'B-branch', name: 'B upper', timezone: 'Australia/Sydney' },
        { id: 'a-branch', name: 'A', timezone: 'America/New_York' },
      ],
      series: [series('yoga', 'a-branch'), series('Zumba', 'b-branch'), series('barre', 'B-branch')],
    });
    t.strictSame(r.problems, []);
    const start = Date.parse('2026-12-01T14:00:00Z');
    await db.transaction((tx) =>
      writeSessionChanges(tx, [
        createChange(desired('yoga', '2026-12-02', start + 24 * HOUR)),
        createChange(desired('barre', '2026-12-01', start, { branchId: 'B-branch', timezone: 'Australia/Sydney' })),
        createChange(desired('yoga', '2026-12-01', start, { capacity: null })),
      ], NOW),
    );
    await db.query(`INSERT INTO class_series_archive (id, "row", deleted_at, run_id) VALUES ('old', '{"id":"old","title":"Old"}', '2026-11-20T00:00:00Z', 3)`);

    const snap = await takeSnapshot(db);
    t.strictSame(snap.branches.map((b) => b.id), ['B-branch', 'a-branch', 'b-branch']);
    t.strictSame(snap.series.map((s) => s.id), ['Zumba', 'barre', 'yoga']);
    t.strictSame(snap.sessions.map((s) => [s.seriesId, s.occurrenceKey]), [['barre', '2026-12-01'], ['yoga', '2026-12-01'], ['yoga', '2026-12-02']]);
    t.strictSame(Object.keys(snap), ['branches', 'series', 'sessions', 'archivedSeries']);
    const s = snap.sessions[1]!;
    t.ok(s.createdAt === s.updatedAt && Date.parse(s.createdAt) > NOW, 'created/updated are the database clock of the write, not the run now');
    t.strictSame({ ...s, id: 'ID', createdAt: 'T', updatedAt: 'T' }, {
      id: 'ID', seriesId: 'yoga', occurrenceKey: '2026-12-01', branchId: 'downtown', title: 'Yoga',
      startsAt: '2026-12-01T14:00:00.000Z', endsAt: '2026-12-01T15:00:00.000Z', timezone: 'America/New_York',
      instructorId: 'ana', roomId: 'studio-a', capacity: null, status: 'scheduled', detached: false, bookedCount: 0,
      createdAt: 'T', updatedAt: 'T',
    });
    t.strictSame(snap.archivedSeries, [{ id: 'old', deletedAt: '2026-11-20T00:00:00.000Z', runId: '3', series: { id: 'old', title: 'Old' } }]);

    t.equal(JSON.stringify(await takeSnapshot(db)), JSON.stringify(snap), 'a second snapshot is byte-identical');
    t.strictSame(validateLoadDocument(JSON.parse(JSON.stringify(snap))).problems, [], 'a snapshot file can be loaded back');
  });
});
