// A load file's text into its document: .json by JSON.parse (with the
// duplicate-key check JSON.parse lacks), anything else as YAML.
import t from 'tap';
import { parseLoadFile } from '../../controller/sources/load-file.js';

t.test('parseLoadFile', async (t) => {
  const rows: Array<{ name: string; text: string; file: string; doc?: unknown; error?: RegExp }> = [
    { name: 'JSON keeps dates and times as strings', file: 'a.json', text: '{"series":[{"startDate":"2026-11-02","startTime":"07:00"}]}', doc: { series: [{ startDate: '2026-11-02', startTime: '07:00' }] } },
    { name: 'a .JSON extension in capitals is JSON', file: 'A.JSON', text: '{"branches":[]}', doc: { branches: [] } },
    { name: 'an empty .json file is an empty document', file: 'a.json', text: ' \n', doc: null },
    { name: 'invalid JSON names the line and column', file: 'a.json', text: '{\n  "series": [\n    {"id" "x"}\n  ]\n}', error: /\(line 3, column \d+\)/ },
    { name: 'a duplicate key in JSON names its pointer and position', file: 'a.json', text: '{"series":[{"id":"a"},{"id":"b","id":"c"}]}', error: /^duplicate key "id" at \/series\/1\/id \(line 1, column 33\): .*merge the two into one$/ },
    { name: 'YAML keeps unquoted dates as strings (core schema)', file: 'a.yaml', text: 'series:\n  - startDate: 2026-11-02\n    startTime: 07:00\n', doc: { series: [{ startDate: '2026-11-02', startTime: '07:00' }] } },
    { name: 'a duplicate key in YAML is the yaml package\'s error', file: 'a.yaml', text: 'series:\n  - id: a\n    id: b\n', error: /^Map keys must be unique at line 3, column 5:/ },
    { name: 'two YAML documents are refused', file: 'a.yml', text: 'a: 1\n---\nb: 2\n', error: /holds 2 YAML documents/ },
    { name: 'an empty YAML file is an empty document', file: 'a.yaml', text: '', doc: null },
  ];
  for (const row of rows) {
    const parsed = parseLoadFile(row.text, row.file);
    if (row.error) t.match(parsed, { doc: null, error: row.error }, row.name);
    else t.strictSame(parsed, { doc: row.doc, error: null }, row.name);
  }
});
