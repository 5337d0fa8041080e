// The repeated-text encoder used for bulk creates must send exactly the bytes
// the general encoder sends: a difference would store a different title,
// room or key than the plan shows.
import t from 'tap';
import { toPgArrayLiteral, toRepeatedTextArrayLiteral } from '../../controller/store/pg-array.js';

t.test('toRepeatedTextArrayLiteral equals toPgArrayLiteral', async (t) => {
  const rows: Array<{ name: string; values: Array<string | null> }> = [
    { name: 'no values', values: [] },
    { name: 'one value repeated', values: ['yoga', 'yoga', 'yoga'] },
    { name: 'NULL, the text "NULL" and the empty string stay apart', values: [null, 'NULL', '', null, 'NULL', ''] },
    { name: 'quotes and backslashes, repeated', values: ['o\'neil "big" room\\1', 'plain', 'o\'neil "big" room\\1'] },
    { name: 'commas, braces, spaces and an emoji', values: ['a,b', '{x}', ' padded ', '\u{1F9D8} flow', 'a,b'] },
  ];
  for (const row of rows) t.equal(toRepeatedTextArrayLiteral(row.values), toPgArrayLiteral(row.values), row.name);
});
