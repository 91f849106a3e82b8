// Dataset import/export: the three JSONL shapes and CSV, line-numbered errors, nothing imported on
// any error, and a round trip through every export shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatasetImportError, exportCsv, exportJsonl, parseCsv, parseJsonl } from './formats.ts';
import { openDatabase } from '../store/database.ts';
import { DatasetsStore } from './store.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function issuesOf(fn: () => unknown): { line: number; message: string }[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DatasetImportError, `expected a DatasetImportError, got ${String(e)}`);
    return e.issues;
  }
  assert.fail('expected the import to fail');
}

test('JSONL: OpenAI messages, prompt/completion and ShareGPT rows', () => {
  const rows = parseJsonl(
    enc(
      [
        '\uFEFF{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}',
        '',
        '{"prompt":"2+2?","completion":"4","split":"validation"}\r',
        '{"conversations":[{"from":"human","value":"Name?"},{"from":"gpt","value":"Glass."}]}',
      ].join('\n'),
    ),
  );
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((r) => r.line),
    [1, 3, 4],
  );
  assert.equal(rows[0].messages[0].role, 'system');
  assert.deepEqual(rows[1].messages, [
    { role: 'user', content: '2+2?' },
    { role: 'assistant', content: '4' },
  ]);
  assert.equal(rows[1].split, 'validation');
  assert.deepEqual(
    rows[2].messages.map((m) => m.role),
    ['user', 'assistant'],
  );
});

test('JSONL: malformed rows are reported by line and nothing is returned', () => {
  const issues = issuesOf(() =>
    parseJsonl(
      enc(
        [
          '{"prompt":"ok","completion":"fine"}',
          '{"prompt":"broken",',
          '{"prompt":"empty answer","completion":"  "}',
          '[1,2]',
          '{"messages":[{"role":"user","content":"no answer"}]}',
        ].join('\n'),
      ),
    ),
  );
  assert.deepEqual(
    issues.map((i) => i.line),
    [2, 3, 4, 5],
  );
  assert.match(issues[0].message, /not valid JSON/);
  assert.match(issues[1].message, /answer is empty/);
  assert.match(issues[3].message, /last message must be the answer/);
  const bad = new Uint8Array([...enc('{"prompt":"a","completion":"b"}\n{"prompt":"'), 0xff, ...enc('","completion":"x"}\n')]);
  assert.deepEqual(
    issuesOf(() => parseJsonl(bad)),
    [{ line: 2, message: 'not valid UTF-8' }],
  );
});

test('CSV: header aliases, quoted multi-line fields, physical line numbers of bad rows', () => {
  const rows = parseCsv(enc('Prompt,Response\n"two\nlines",yes\nplain,"with ""quotes"""\n'));
  assert.equal(rows.length, 2);
  assert.equal(rows[0].messages[0].content, 'two\nlines');
  assert.equal(rows[1].messages[1].content, 'with "quotes"');
  const issues = issuesOf(() => parseCsv(enc('prompt,completion\n"multi\nline",ok\nshort\nfine,\nx,y,z\n')));
  assert.deepEqual(
    issues.map((i) => i.line),
    [4, 5, 6],
  );
  assert.match(issues.find((i) => i.line === 5)!.message, /answer is empty/);
  assert.match(issuesOf(() => parseCsv(enc('question,foo\na,b\n')))[0].message, /answer column/);
});

test('export then import gives the same rows, in every shape', () => {
  const rows = parseJsonl(
    enc(
      [
        '{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q, with \\"comma\\"\\nand line"},{"role":"assistant","content":"A"}]}',
        '{"prompt":"p","completion":"c"}',
      ].join('\n'),
    ),
  );
  for (const shape of ['messages', 'sharegpt', 'prompt_completion'] as const) {
    const back = parseJsonl(enc(exportJsonl(rows, shape)));
    assert.deepEqual(
      back.map((r) => r.messages),
      rows.map((r) => r.messages),
      shape,
    );
  }
  assert.deepEqual(
    parseCsv(enc(exportCsv(rows))).map((r) => r.messages),
    rows.map((r) => r.messages),
  );
});

test('store: rows are added all or nothing, edited, split and deleted with the dataset', () => {
  const db = openDatabase(':memory:');
  const s = new DatasetsStore(db);
  const d = s.create('greetings');
  const ids = s.addRows(
    d.id,
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
      },
    ],
    'manual',
  );
  assert.throws(
    () =>
      s.addRows(
        d.id,
        [
          {
            messages: [
              { role: 'user', content: 'c' },
              { role: 'assistant', content: 'd' },
            ],
          },
          {
            messages: [
              { role: 'user', content: 'e' },
              { role: 'assistant', content: '' },
            ],
          },
        ],
        'import',
      ),
    /row 2: the answer is empty/,
  );
  assert.equal(s.get(d.id)!.rowCount, 1);
  assert.ok(s.updateRow(d.id, ids[0], { split: 'validation' }));
  assert.equal(s.get(d.id)!.validationCount, 1);
  assert.throws(() => s.updateRow(d.id, ids[0], { messages: [{ role: 'user', content: 'x' }] }), /last message/);
  s.delete(d.id);
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n, 0);
  db.close();
});
