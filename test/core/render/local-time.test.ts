// formatLocal: what a person reads in a plan — the branch's wall clock and its
// UTC offset at that instant. Named DST rows, then a property against Intl
// (what an admin's own tools would show).
import t from 'tap';
import fc from 'fast-check';
import { formatLocal } from '../../../controller/core/render/local-time.js';

t.test('wall clock and offset around clock changes', async (t) => {
  const rows = [
    { name: 'New York winter: UTC-05:00', iso: '2026-01-15T14:00:00.000Z', zone: 'America/New_York', want: '2026-01-15 09:00 (UTC-05:00)' },
    { name: 'New York, the first minute after spring-forward reads 03:00 EDT', iso: '2026-03-08T07:00:00.000Z', zone: 'America/New_York', want: '2026-03-08 03:00 (UTC-04:00)' },
    { name: 'New York fall-back, first 01:30 (EDT)', iso: '2026-11-01T05:30:00.000Z', zone: 'America/New_York', want: '2026-11-01 01:30 (UTC-04:00)' },
    { name: 'New York fall-back, second 01:30 (EST)', iso: '2026-11-01T06:30:00.000Z', zone: 'America/New_York', want: '2026-11-01 01:30 (UTC-05:00)' },
    { name: 'Lord Howe summer: a half-hour DST offset', iso: '2026-12-01T00:00:00.000Z', zone: 'Australia/Lord_Howe', want: '2026-12-01 11:00 (UTC+11:00)' },
    { name: 'Kathmandu: a quarter-hour offset', iso: '2026-06-01T00:00:00.000Z', zone: 'Asia/Kathmandu', want: '2026-06-01 05:45 (UTC+05:45)' },
    { name: 'the local date differs from the UTC date', iso: '2026-06-01T23:30:00.000Z', zone: 'Pacific/Auckland', want: '2026-06-02 11:30 (UTC+12:00)' },
    { name: 'UTC itself', iso: '2026-06-01T08:05:00.000Z', zone: 'UTC', want: '2026-06-01 08:05 (UTC+00:00)' },
  ];
  for (const row of rows) t.equal(formatLocal(row.iso, row.zone), row.want, row.name);
});

// What Intl shows for the instant (the implementation before the offset table).
function intlLocal(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  for (const p of format.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  const offset = Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
  const abs = Math.abs(offset);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (UTC${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')})`;
}

t.test('property: the same text Intl gives, for any zone and any minute of 2000–2060', async (t) => {
  const zones = Intl.supportedValuesOf('timeZone');
  fc.assert(
    fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2060, 0, 1) / 60_000 }), (zone, minute) => {
      const iso = new Date(minute * 60_000).toISOString();
      const ours = formatLocal(iso, zone);
      const theirs = intlLocal(iso, zone);
      if (ours !== theirs) throw new Error(`${zone} ${iso}: ${ours} != ${theirs}`);
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 random zones and minutes agree with Intl');
});
