import { describe, expect, it } from 'vitest';
import { bodyProblemStatus, readBody, readFormFields } from '../../../functions/edge/http/body.ts';
import { httpEvent, httpRequest } from './http-event.ts';

const FORM = 'application/x-www-form-urlencoded';
const post = (type: string | undefined, body: string, base64 = false) =>
  httpRequest(httpEvent('POST', '/x', { headers: type ? { 'content-type': type } : {}, body, base64 }));

describe('readBody', () => {
  it('takes a body of exactly the limit and refuses one byte more, counting bytes not characters', () => {
    // Act
    const atLimit = readBody(post('application/json', `"${'x'.repeat(8)}"`), 10);
    const over = readBody(post('application/json', `"${'x'.repeat(9)}"`), 10);
    const wide = readBody(post('application/json', '"中中中"'), 10);
    // Assess
    expect(atLimit).toEqual({ ok: true, kind: 'json', value: 'xxxxxxxx' });
    expect(over).toEqual({ ok: false, problem: 'tooLarge' });
    expect(wide).toEqual({ ok: false, problem: 'tooLarge' });
  });

  it('counts a base64 body by its decoded bytes', () => {
    // Act
    const res = readBody(post('application/json', Buffer.from('{"a":1}').toString('base64'), true), 7);
    // Assess
    expect(res).toEqual({ ok: true, kind: 'json', value: { a: 1 } });
  });

  it('reads a form only where forms are taken', () => {
    // Act
    const either = readBody(post(FORM, 'a=1'), 100);
    const jsonOnly = readBody(post(FORM, 'a=1'), 100, 'json');
    // Assess
    expect(either).toEqual({ ok: true, kind: 'form', fields: [['a', '1']] });
    expect(jsonOnly).toEqual({ ok: false, problem: 'unsupported' });
  });
});

describe('bodyProblemStatus', () => {
  it('answers 415 for a type, 413 for the size and 400 for the bytes', () => {
    // Act & Assess
    expect(bodyProblemStatus('unsupported')).toBe(415);
    expect(bodyProblemStatus('tooLarge')).toBe(413);
    for (const problem of ['encoding', 'malformed', 'duplicateKey'] as const)
      expect(bodyProblemStatus(problem)).toBe(400);
  });
});

describe('readFormFields', () => {
  it('reads a form by name, or a JSON object with its values as text', () => {
    // Act
    const form = readFormFields(post(FORM, 'username=a&password=b%20c'), 100);
    const json = readFormFields(post('application/json', '{"code":123456,"ok":true}'), 100);
    // Assess
    expect(form).toEqual({ username: 'a', password: 'b c' });
    expect(json).toEqual({ code: '123456', ok: 'true' });
  });

  it('says tooLarge over the limit, unsupported for any other refusal or a JSON that is not an object', () => {
    // Act & Assess
    expect(readFormFields(post(FORM, `a=${'x'.repeat(100)}`), 16)).toBe('tooLarge');
    expect(readFormFields(post('text/plain', 'a=1'), 100)).toBe('unsupported');
    expect(readFormFields(post('application/json', '[1]'), 100)).toBe('unsupported');
    expect(readFormFields(post('application/json', '{"a":'), 100)).toBe('unsupported');
    expect(readFormFields(post(undefined, 'a=1'), 100)).toBe('unsupported');
  });
});
