// The iCalendar text of a feed, without a database: each session's event,
// written a batch at a time exactly as at once, and the feed tokens.
import ICAL from 'ical.js';
import t from 'tap';
import { FeedWriter, renderFeed, sessionUid, type FeedSession } from '../../../controller/core/calendar/feed-ics.js';
import { feedPath, feedToken, feedTokenMatches, feedUrl } from '../../../controller/core/calendar/feed-target.js';

const session = (key: string, over: Partial<FeedSession> = {}): FeedSession => ({
  seriesId: 'yoga',
  occurrenceKey: key,
  branchId: 'dub',
  title: 'Yoga',
  startsAt: new Date(`${key}T08:00:00Z`),
  endsAt: new Date(`${key}T09:00:00Z`),
  roomId: 'hall',
  instructorId: 'ana',
  status: 'scheduled',
  revision: 0,
  updatedAt: new Date('2026-09-01T00:00:00Z'),
  ...over,
});
const NAMES = new Map([['dub', 'Dublin']]);

function events(text: string) {
  return new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => ({
    uid: v.getFirstPropertyValue('uid'),
    summary: v.getFirstPropertyValue('summary'),
    location: v.getFirstPropertyValue('location'),
    description: v.getFirstPropertyValue('description'),
    status: v.getFirstPropertyValue('status'),
    sequence: v.getFirstPropertyValue('sequence'),
  }));
}

t.test('each session is one event with what a calendar shows', async (t) => {
  const rows = [
    { name: 'a scheduled session', s: session('2026-10-01'), want: { uid: 'yoga/2026-10-01@classctl', summary: 'Yoga', location: 'hall, Dublin', description: 'Instructor: ana\nBranch: Dublin\nSeries: yoga', status: 'CONFIRMED', sequence: 0 } },
    { name: 'a cancelled session, changed twice', s: session('2026-10-02', { status: 'cancelled', revision: 2 }), want: { summary: 'Cancelled: Yoga', status: 'CANCELLED', sequence: 2 } },
    { name: 'no room, no instructor', s: session('2026-10-03', { roomId: null, instructorId: null }), want: { location: 'Dublin', description: 'Branch: Dublin\nSeries: yoga' } },
    { name: 'commas, semicolons and a long title survive escaping and folding', s: session('2026-10-04', { title: 'Yoga, Pilates; and ' + 'stretching '.repeat(10) }), want: { summary: 'Yoga, Pilates; and ' + 'stretching '.repeat(10) } },
    { name: 'an unknown branch is named by its id', s: session('2026-10-05', { branchId: 'gone' }), want: { location: 'hall, gone' } },
    { name: 'a long title of multi-byte letters and emoji is folded between characters, never inside one', s: session('2026-10-06', { title: 'Åsa Ćwiczenia 瑜伽 🧘 Grüße '.repeat(8) }), want: { summary: 'Åsa Ćwiczenia 瑜伽 🧘 Grüße '.repeat(8) } },
  ];
  for (const row of rows) t.match(events(renderFeed('Dublin classes', [row.s], NAMES))[0], row.want, row.name);
  // RFC 5545: content lines are folded at 75 octets (the line folding of ical-generator, patched for speed in patches/).
  const long = renderFeed('Dublin classes', [session('2026-10-06', { title: 'Åsa Ćwiczenia 瑜伽 🧘 Grüße '.repeat(8) })], NAMES);
  t.same(long.split('\r\n').filter((line) => Buffer.byteLength(line, 'utf8') > 75), [], 'no line is longer than 75 octets');
  t.equal(sessionUid({ seriesId: 'a/b', occurrenceKey: '2026-10-01' }), 'a/b/2026-10-01@classctl');
});

t.test('written in batches, a feed is the same text as written at once, CRLF-terminated', async (t) => {
  const all = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05'].map((k) => session(k, { title: 'A long title '.repeat(8) }));
  const writer = new FeedWriter('Dublin classes', NAMES);
  const batched = writer.header() + writer.events(all.slice(0, 2)) + writer.events([]) + writer.events(all.slice(2)) + writer.footer();
  t.equal(batched, renderFeed('Dublin classes', all, NAMES));
  t.ok(batched.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n'), 'every line ends with CRLF');
  t.ok(batched.split('\r\n').every((line) => Buffer.byteLength(line) <= 75), 'lines are folded at 75 octets');
  t.equal(events(batched).length, 5);
  t.equal(events(renderFeed('Empty', [], NAMES)).length, 0, 'an empty feed is a valid calendar');
});

t.test('tokens: one per feed path and secret, compared exactly', async (t) => {
  const branch = { kind: 'branch', branchId: 'dub' } as const;
  const room = { kind: 'room', branchId: 'dub', roomId: 'hall' } as const;
  const instructor = { kind: 'instructor', instructorId: 'ana b' } as const;
  t.same([feedPath(branch), feedPath(room), feedPath(instructor)], ['/feeds/branches/dub.ics', '/feeds/branches/dub/rooms/hall.ics', '/feeds/instructors/ana%20b.ics']);
  t.equal(feedToken('s', branch), feedToken('s', branch), 'stable');
  t.not(feedToken('s', branch), feedToken('s', room), 'another feed, another token');
  t.not(feedToken('s', branch), feedToken('t', branch), 'another secret, another token');
  const rows = [
    { name: 'the right token', token: feedToken('s', branch), ok: true },
    { name: 'missing', token: undefined, ok: false },
    { name: 'repeated (an array)', token: [feedToken('s', branch)], ok: false },
    { name: 'one character short', token: feedToken('s', branch).slice(1), ok: false },
    { name: "another feed's", token: feedToken('s', room), ok: false },
  ];
  for (const row of rows) t.equal(feedTokenMatches('s', branch, row.token), row.ok, row.name);
  t.equal(feedUrl('https://c.example/', 's', instructor), `https://c.example/feeds/instructors/ana%20b.ics?token=${feedToken('s', instructor)}`);
});
