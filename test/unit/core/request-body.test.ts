import { describe, expect, it } from 'vitest';
import { readRequestBody } from '../../../functions/edge/http/request-body.ts';

const FORM = 'application/x-www-form-urlencoded';

describe('readRequestBody', () => {
  it('reads a form when forms are allowed, and a JSON body', () => {
    // Act
    const form = readRequestBody({ contentType: FORM, body: 'a=1&b=%E4%B8%AD' }, { maxBytes: 100, form: true });
    const json = readRequestBody(
      { contentType: 'application/json; charset=UTF-8', body: '{"a":[1,{"b":2}]}' },
      { maxBytes: 100, form: true },
    );
    // Assess
    expect(form).toEqual({
      ok: true,
      kind: 'form',
      fields: [
        ['a', '1'],
        ['b', '中'],
      ],
    });
    expect(json).toEqual({ ok: true, kind: 'json', value: { a: [1, { b: 2 }] } });
  });

  it('refuses other types, other charsets, and forms where only JSON is accepted', () => {
    // Act & Assess
    for (const contentType of ['text/plain', 'application/json; charset=gbk', undefined]) {
      expect(readRequestBody({ contentType, body: '{}' }, { maxBytes: 100, form: true })).toEqual({
        ok: false,
        problem: 'unsupported',
      });
    }
    expect(readRequestBody({ contentType: FORM, body: 'a=1' }, { maxBytes: 100, form: false })).toEqual({
      ok: false,
      problem: 'unsupported',
    });
  });

  it('names what is wrong with the bytes: size, encoding, syntax, a key given twice', () => {
    // Act & Assess
    const json = (body: string, isBase64Encoded = false) =>
      readRequestBody({ contentType: 'application/json', body, isBase64Encoded }, { maxBytes: 16, form: true });
    expect(json('{"a":"0123456789abcdef"}')).toEqual({ ok: false, problem: 'tooLarge' });
    expect(json(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), true)).toEqual({ ok: false, problem: 'encoding' });
    expect(json('{"a":')).toEqual({ ok: false, problem: 'malformed' });
    expect(json('{"a":1,"a":2}')).toEqual({ ok: false, problem: 'duplicateKey', key: 'a' });
    expect(readRequestBody({ contentType: FORM, body: 'a=%FF' }, { maxBytes: 16, form: true })).toEqual({
      ok: false,
      problem: 'encoding',
    });
  });
});
