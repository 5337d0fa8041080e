// Code, help texts and docs state their rules themselves: they do not cite
// design notes that are not in the repository (DESIGN §…, SPEC, FR-0xx), issue
// numbers, or files that do not exist. Relative markdown links must resolve.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** What is scanned: the shipped code, its docs, the README and the Helm chart. */
const ROOTS = ['controller', 'docs', 'README.md', 'charts', 'chart'];

/**
 * Files kept out of the scan. A migration that has been released is never
 * edited (a changed file would no longer match what databases recorded as
 * applied), so the citations in the first migration's comments stay.
 */
const EXCLUDED = new Set(['controller/store/migrations/001_initial.sql']);

const TEXT_FILE = /\.(ts|js|mjs|json|md|sql|yaml|yml|tpl|txt|sh)$|(^|\/)(Chart\.lock|\.helmignore|NOTES\.txt)$/;

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((name) => (name === 'node_modules' ? [] : filesUnder(join(path, name))));
}

interface Finding {
  rule: string;
  text: string;
}

const CITATIONS: Array<{ rule: string; pattern: RegExp }> = [
  { rule: 'cites the design notes (DESIGN), which are not in the repository', pattern: /\bDESIGN(?:\.md)?\b/g },
  { rule: 'cites the specification (SPEC), which is not in the repository', pattern: /\bSPEC(?:\.md)?\b/g },
  { rule: 'cites a requirement number (FR-0xx)', pattern: /\bFR-\d+\b/g },
  { rule: 'cites an issue number', pattern: /\bissues?\s+#?\d+\b/gi },
  // RFC sections (RFC 5545 §3.3.10) are public; any other section sign points at a document the reader lacks.
  { rule: 'cites a section (§) of a document that is not named', pattern: /(?<!RFC \d{3,5}\s\(?)§\s*\d/g },
];

/** Repository paths a text names (`docs/testing.md`, `schemas/plan.schema.json`). */
const REPO_PATH = /(?<![\w/.${}-])((?:controller|docs|test|schemas|examples|scripts|charts|config|crds|bin|patches)\/[\w./-]*\.(?:json|js|md|ts|yaml|yml|sql|sh|tpl))(?![\w-])/g;

/** Everything a file cites that is not there. */
function findDanglingReferences(file: string, text: string, exists: (path: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const { rule, pattern } of CITATIONS) {
    for (const m of text.matchAll(pattern)) findings.push({ rule, text: m[0] });
  }
  for (const m of text.matchAll(REPO_PATH)) {
    const path = m[1]!.replace(/\.$/, '');
    if (!exists(path)) findings.push({ rule: 'names a file that does not exist', text: path });
  }
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = normalize(join(dirname(file), target.split('#')[0]!));
      if (!exists(path)) findings.push({ rule: 'links to a file that does not exist', text: target });
    }
  }
  return findings;
}

t.test('findDanglingReferences', async (t) => {
  const exists = (p: string) => ['docs/usage.md', 'schemas/plan.schema.json'].includes(p);
  const rows: Array<{ name: string; file: string; text: string; found: string[] }> = [
    { name: 'a design section', file: 'controller/x.ts', text: '// DESIGN §5: bump the version', found: ['DESIGN', '§5'] },
    { name: 'the spec file', file: 'docs/a.md', text: 'as SPEC.md says', found: ['SPEC.md'] },
    { name: 'a requirement number', file: 'controller/x.ts', text: "help: 'see FR-012'", found: ['FR-012'] },
    { name: 'an issue number', file: 'docs/a.md', text: 'fixed in issue #42', found: ['issue #42'] },
    { name: 'a bare section sign', file: 'docs/a.md', text: 'see §3', found: ['§3'] },
    { name: 'an RFC section is a public reference', file: 'controller/x.ts', text: '// RFC 5545 §3.3.10', found: [] },
    { name: 'a missing doc named in a comment', file: 'controller/x.ts', text: '// see docs/testing-guide.md', found: ['docs/testing-guide.md'] },
    { name: 'an existing file, at the end of a sentence', file: 'controller/x.ts', text: '// checked against schemas/plan.schema.json.', found: [] },
    { name: 'a relative markdown link to a missing file', file: 'docs/a.md', text: 'see [ops](operations-old.md#x)', found: ['operations-old.md#x'] },
    { name: 'a relative markdown link that resolves', file: 'docs/a.md', text: 'see [usage](usage.md#contexts) and [site](https://example.com)', found: [] },
    { name: 'lower-case words are not citations', file: 'docs/a.md', text: 'the design of the spec: an issue with 3 rooms', found: [] },
  ];
  for (const row of rows) t.same(findDanglingReferences(row.file, row.text, exists).map((f) => f.text), row.found, row.name);
});

t.test('controller/, docs/, README.md and the chart cite nothing that is missing', async (t) => {
  const files = ROOTS.flatMap(filesUnder).filter((f) => TEXT_FILE.test(f) && !EXCLUDED.has(f));
  t.ok(files.length > 50, `scanned ${files.length} files`);
  for (const file of files) {
    for (const f of findDanglingReferences(file, readFileSync(file, 'utf8'), existsSync)) {
      t.fail(`${file} ${f.rule}: "${f.text}". State the rule itself, or point at a file of the repository.`);
    }
  }
  for (const file of EXCLUDED) t.ok(existsSync(file), `${file} (excluded) exists: drop it from EXCLUDED if it is gone`);
});
