// Formats instants as wall-clock time in a branch's zone, for people reading a plan.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** `2026-03-08 03:30 (UTC-04:00)` */
export function formatLocal(iso: string, timezone: string): string {
  const ms = Date.parse(iso);
  const parts: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const local = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  const offsetMin = Math.round((asUtc - Math.floor(ms / 60000) * 60000) / 60000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local} (UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')})`;
}
