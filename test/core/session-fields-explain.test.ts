// explain shows each session field's effective value and where it comes from:
// the series row's own non-null column beats every configuration layer.
import t from 'tap';
import { explainConfig, explainToJson, renderExplain } from '../../controller/core/config/render-explain.js';
import { BASE_SETTINGS, configOf, doc } from '../helpers/fixtures.js';
import { seriesOf } from './plan/plan-fixtures.js';

// The series document sets sessionDefaults.capacity 12; the base sets 20 and duration 60.
const config = configOf(doc('base', {}, BASE_SETTINGS), doc('yoga-doc', { series: 's1' }, { sessionDefaults: { capacity: 12 } }));
const row = (over: Parameters<typeof seriesOf>[0]) => ({ series: seriesOf({ capacity: null, durationMinutes: null, ...over }), branchTimezone: 'Europe/London' });

const rows = [
  {
    name: "the series row's capacity 20 beats the series document's sessionDefaults.capacity 12",
    series: { capacity: 20 },
    field: 'capacity',
    want: { value: 20, source: { kind: 'series', column: 'class_series.capacity' } },
    text: /^capacity +20 +series row class_series\.capacity; the series row's own value beats sessionDefaults\.capacity \(12\)$/m,
  },
  {
    name: 'a null capacity takes sessionDefaults.capacity from the document that set it',
    series: {},
    field: 'capacity',
    want: { value: 12, source: { kind: 'settings', pointer: '/sessionDefaults/capacity', document: 'yoga-doc', origin: 'test-doc-1.yaml' } },
    text: /^capacity +12 +document yoga-doc \(test-doc-1\.yaml\) \/spec\/settings\/sessionDefaults\/capacity; class_series\.capacity is null$/m,
  },
  {
    name: 'a null duration takes the base default',
    series: {},
    field: 'durationMinutes',
    want: { value: 60, source: { kind: 'settings', pointer: '/sessionDefaults/durationMinutes', document: 'base', origin: 'test-doc-0.yaml' } },
    text: /^durationMinutes +60 +document base \(test-doc-0\.yaml\) \/spec\/settings\/sessionDefaults\/durationMinutes/m,
  },
  {
    name: "the series row's duration 45 beats the base's 60",
    series: { durationMinutes: 45 },
    field: 'durationMinutes',
    want: { value: 45, source: { kind: 'series', column: 'class_series.duration_minutes' } },
    text: /^durationMinutes +45 +series row class_series\.duration_minutes/m,
  },
  { name: 'the title comes from the series row', series: { title: 'Pilates' }, field: 'title', want: { value: 'Pilates', source: { kind: 'series', column: 'class_series.title' } }, text: /^title +"Pilates" +series row class_series\.title$/m },
  { name: 'no room is null, from the series row', series: { roomId: null }, field: 'roomId', want: { value: null, source: { kind: 'series', column: 'class_series.room_id' } }, text: /^roomId +null +series row class_series\.room_id$/m },
  { name: 'the zone comes from the branch row', series: {}, field: 'timezone', want: { value: 'Europe/London', source: { kind: 'branch', column: 'branches.timezone' } }, text: /^timezone +"Europe\/London" +branch row branches\.timezone$/m },
  {
    name: 'the start time is local, with the DST policy that applies to it',
    series: { startTime: '01:30' },
    field: 'startTime',
    want: { value: '01:30', source: { kind: 'series', column: 'class_series.start_time' } },
    text: /^startTime +"01:30" +series row class_series\.start_time; local wall-clock time in Europe\/London; on DST days dst\.nonexistentTime is shiftForward and dst\.ambiguousTime is earlier$/m,
  },
] as const;

for (const r of rows) {
  t.test(r.name, async (t) => {
    const result = explainConfig(config, 'b1', 's1', row(r.series));
    const json = explainToJson(result);
    if (!json.valid) return t.fail('config invalid');
    t.match(json.sessionFields?.find((f) => f.field === r.field), r.want, 'JSON');
    t.match(renderExplain(result, 'text'), r.text, 'text');
    t.match(json.fields.find((f) => f.pointer === '/sessionDefaults/capacity'), { value: 12, document: 'yoga-doc' }, 'the settings view is kept');
  });
}

t.test('without the series row (--branch/--series), the settings are shown and the session fields are not', async (t) => {
  const result = explainConfig(config, 'b1', 's1');
  const json = explainToJson(result);
  t.equal(json.valid && json.sessionFields, undefined);
  t.match(renderExplain(result, 'text'), /Session fields are not shown: the series row was not read\. Run `classctl explain s1`/);
});
