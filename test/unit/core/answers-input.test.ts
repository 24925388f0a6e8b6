import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFormBody, findDuplicateJsonKey } from '../../../functions/core/responses/body-decoding.ts';
import { checkDraft } from '../../../functions/core/responses/draft.ts';
import { validateProblems } from '../../../functions/core/responses/problems.ts';
import { readFormSubmission, readJsonSubmission } from '../../../functions/core/responses/submission-input.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const { questionnaire } = smallCampaign();
const bytes = (text: string) => new TextEncoder().encode(text);

describe('findDuplicateJsonKey', () => {
  it('finds a key given twice at any depth, and ignores the same key in different objects', () => {
    // Act
    const top = findDuplicateJsonKey('{"a":1,"b":2,"a":3}');
    const nested = findDuplicateJsonKey('{"p":[{"x":"}","x":1}]}');
    const escaped = findDuplicateJsonKey('{"a\\"b":1,"a\\u0022b":2}');
    const separate = findDuplicateJsonKey('[{"a":1},{"a":2}]');
    const valueLooksLikeKey = findDuplicateJsonKey('{"a":"a","b":"a"}');
    // Assess
    expect(top).toBe('a');
    expect(nested).toBe('x');
    expect(escaped).toBe('a"b');
    expect(separate).toBeUndefined();
    expect(valueLooksLikeKey).toBeUndefined();
  });

  it('finds nothing in any JSON that JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findDuplicateJsonKey(JSON.stringify(value))).toBeUndefined();
      }),
    );
  });

  it('finds the key whenever an object of generated JSON repeats one of its keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), (object, extra) => {
        // Prepare
        const key = Object.keys(object)[0] ?? '';
        const text = `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra) ?? 'null'}}`;
        // Act and assess
        expect(findDuplicateJsonKey(text)).toBe(key);
      }),
    );
  });
});

describe('decodeFormBody', () => {
  it('decodes as URLSearchParams does whenever the text is valid', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }))), (pairs) => {
        // Prepare
        const body = new URLSearchParams(pairs).toString();
        // Act and assess
        expect(decodeFormBody(bytes(body))).toEqual([...new URLSearchParams(body)]);
      }),
    );
  });

  it('refuses percent-escapes that are not UTF-8, and raw bytes that are not', () => {
    // Act
    const escaped = decodeFormBody(bytes('note=%FF%FE'));
    const raw = decodeFormBody(new Uint8Array([0x61, 0x3d, 0xc3, 0x28]));
    const chinese = decodeFormBody(bytes('note=%E5%BE%88%E5%A5%BD+ok&x'));
    // Assess
    expect(escaped).toBeUndefined();
    expect(raw).toBeUndefined();
    expect(chinese).toEqual([
      ['note', '很好 ok'],
      ['x', ''],
    ]);
  });
});

describe('reading a submission', () => {
  it('reads answers, the submission id and problems from JSON', () => {
    // Act
    const read = readJsonSubmission({
      submissionId: 'sub-00000001',
      badge: true,
      attitude: 4,
      note: null,
      problems: [{ category: 'signage', description: '无指示牌', severity: 'minor' }],
    });
    // Assess
    expect(read).toEqual({
      ok: true,
      input: {
        submissionId: 'sub-00000001',
        answers: { badge: true, attitude: 4, note: null },
        problems: [{ category: 'signage', description: '无指示牌', severity: 'minor' }],
      },
    });
  });

  it('names each malformed part of a JSON submission', () => {
    // Act
    const read = readJsonSubmission({ attitude: { v: 4 }, problems: [{ category: 1 }, 'x'], submissionId: 'short' });
    // Assess
    expect(read.ok ? [] : read.errors.map((e) => e.field)).toEqual([
      'attitude',
      'problems.0.category',
      'problems.1',
      'submissionId',
    ]);
  });

  it('keeps a __proto__ key as an ordinary unknown field', () => {
    // Act
    const read = readJsonSubmission(JSON.parse('{"__proto__":{"polluted":true},"badge":true}'));
    // Assess
    expect(read.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads problem rows from form fields and refuses a field given twice', () => {
    // Act
    const read = readFormSubmission([
      ['badge', 'yes'],
      ['problems.1.category', 'signage'],
      ['problems.1.description', '无指示牌'],
      ['intent', 'draft'],
    ]);
    const twice = readFormSubmission([
      ['badge', 'yes'],
      ['badge', 'no'],
    ]);
    // Assess
    expect(read).toEqual({
      ok: true,
      input: {
        answers: { badge: 'yes' },
        problems: [{}, { category: 'signage', description: '无指示牌' }],
        intent: 'draft',
      },
    });
    expect(twice.ok ? [] : twice.errors).toEqual([
      { field: 'badge', message: { zh: '字段重复提交', en: 'was given more than once' } },
    ]);
  });
});

describe('validateProblems', () => {
  it('keeps complete problems, ignores blank rows and names every missing part of the others', () => {
    // Act
    const ok = validateProblems([{}, { category: 'signage', description: ' 无指示牌 ', severity: 'critical' }]);
    const partial = validateProblems([
      { description: '排队混乱' },
      { category: 'bribery', description: 'x', severity: 'minor' },
    ]);
    // Assess
    expect(ok).toEqual({
      ok: true,
      problems: [{ category: 'signage', description: '无指示牌', severity: 'critical' }],
    });
    expect(partial.ok ? [] : partial.errors.map((e) => e.field)).toEqual([
      'problems.0.category',
      'problems.0.severity',
      'problems.1.category',
    ]);
  });

  it('refuses more than 20 problems', () => {
    // Act
    const many = validateProblems(
      Array.from({ length: 21 }, () => ({ category: 'other', description: 'x', severity: 'minor' })),
    );
    // Assess
    expect(many.ok ? [] : many.errors.map((e) => e.field)).toEqual(['problems']);
  });
});

describe('checkDraft', () => {
  it('keeps unfinished answers but only for questions of the assignment', () => {
    // Act
    const draft = checkDraft(
      questionnaire,
      'experiential',
      { answers: { attitude: '', badge: 'yes', note: '写到一半' }, problems: [{}, { description: '未完' }] },
      '2026-12-01T00:00:00Z',
    );
    const unknown = checkDraft(
      questionnaire,
      'experiential',
      { answers: { nope: '1' }, problems: [] },
      '2026-12-01T00:00:00Z',
    );
    // Assess
    expect(draft).toEqual({
      ok: true,
      draft: {
        answers: { badge: 'yes', note: '写到一半' },
        problems: [{ description: '未完' }],
        savedAt: '2026-12-01T00:00:00Z',
      },
    });
    expect(unknown.ok ? [] : unknown.errors.map((e) => e.field)).toEqual(['nope']);
  });
});

describe('problem row keys', () => {
  const keyArb = fc.stringMatching(/^k[a-z0-9]{7,23}$/);

  it('keep each row with its key through validation: a blank row goes, the others keep theirs', () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 8 }), fc.nat(), (keys, blankAt) => {
        // Prepare: one row left blank, the others filled
        const blank = blankAt % keys.length;
        const rows = keys.map((key, i) =>
          i === blank ? { key } : { category: 'signage', description: `row ${i}`, severity: 'minor', key },
        );
        // Act
        const checked = validateProblems(rows);
        // Assess
        expect(checked.ok).toBe(true);
        if (checked.ok) expect(checked.problems.map((p) => p.key)).toEqual(keys.filter((_, i) => i !== blank));
      }),
    );
  });

  it('refuse a key given to two rows, or one that is no key, naming the row', () => {
    // Act
    const twice = validateProblems([
      { category: 'signage', description: 'a', severity: 'minor', key: 'kaaaaaaaa' },
      { category: 'signage', description: 'b', severity: 'minor', key: 'kaaaaaaaa' },
    ]);
    const bad = checkDraft(
      questionnaire,
      'experiential',
      { answers: {}, problems: [{ description: 'a', key: 'x"><b>' }] },
      '2026-12-01T00:00:00Z',
    );
    // Assess
    expect(twice).toMatchObject({ ok: false, errors: [{ field: 'problems.1.key' }] });
    expect(bad).toMatchObject({ ok: false, errors: [{ field: 'problems.0.key' }] });
  });

  it('read the keys and the rows removed from a form and from JSON alike', () => {
    // Act
    const formInput = readFormSubmission([
      ['problems.0.description', 'a'],
      ['problems.0.key', 'kaaaaaaaa'],
      ['removedProblems', ' kbbbbbbbb  kcccccccc '],
    ]);
    const jsonInput = readJsonSubmission({
      problems: [{ description: 'a', key: 'kaaaaaaaa' }],
      removedProblems: ['kbbbbbbbb', 'kcccccccc', 'kbbbbbbbb'],
    });
    // Assess
    for (const read of [formInput, jsonInput]) {
      expect(read).toMatchObject({
        ok: true,
        input: { problems: [{ description: 'a', key: 'kaaaaaaaa' }], removedProblems: ['kbbbbbbbb', 'kcccccccc'] },
      });
    }
    expect(readJsonSubmission({ removedProblems: 'kbbbbbbbb' })).toMatchObject({ ok: true });
    expect(readJsonSubmission({ removedProblems: [3] })).toMatchObject({
      ok: false,
      errors: [{ field: 'removedProblems' }],
    });
  });
});
