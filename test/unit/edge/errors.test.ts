import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/adapters/logger.ts';
import { createErrorRegistry } from '../../../functions/edge/http/errors.ts';
import type { HttpResult } from '../../../functions/edge/http/types.ts';
import { httpEvent, httpRequest } from './http-event.ts';

class Base extends Error {
  override name = 'Base';
}
class Child extends Base {
  override name = 'Child';
}
class Other extends Error {
  override name = 'Other';
}

const answer = (status: number) => (): HttpResult => ({ statusCode: status, body: '' });
const request = httpRequest(httpEvent('GET', '/s/x'));
const failed = answer(500);
const newRegistry = () => createErrorRegistry({ label: 'test', failed });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the error registry', () => {
  it('finds the handler of the exact class before one of a parent class registered earlier', async () => {
    // Prepare
    const registry = newRegistry().on(Base, answer(409)).on(Child, answer(410));
    // Act
    const child = await registry.handle(new Child(), request);
    const base = await registry.handle(new Base(), request);
    // Assess
    expect(child.statusCode).toBe(410);
    expect(base.statusCode).toBe(409);
  });

  it('then by instanceof, in the order registered', async () => {
    // Prepare
    class Grandchild extends Child {}
    const registry = newRegistry().on(Base, answer(409)).on(Child, answer(410));
    // Act
    const res = await registry.handle(new Grandchild(), request);
    // Assess
    expect(res.statusCode).toBe(409);
  });

  it('then by error.name, for names registered as names (a minified class keeps the name it gives itself)', async () => {
    // Prepare
    const registry = newRegistry().on(Base, answer(409)).onName(['ThrottlingException', 'Child'], answer(503));
    const sdkError = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const namedLikeOther = Object.assign(new Error('x'), { name: 'Other' });
    // Act
    const byName = await registry.handle(sdkError, request);
    const classBeatsName = await registry.handle(new Child(), request);
    // Assess
    expect(byName.statusCode).toBe(503);
    expect(classBeatsName.statusCode).toBe(409);
    expect(registry.handlerFor(namedLikeOther)).toBeUndefined();
  });

  it('then by the tests given to when, after every class and name', async () => {
    // Prepare
    const registry = newRegistry()
      .when((e) => e instanceof Error && 'code' in e, answer(503))
      .on(Other, answer(400));
    // Act
    const coded = await registry.handle(Object.assign(new Error('x'), { code: 'ECONNRESET' }), request);
    const other = await registry.handle(Object.assign(new Other('x'), { code: 'ECONNRESET' }), request);
    // Assess
    expect(coded.statusCode).toBe(503);
    expect(other.statusCode).toBe(400);
  });

  it('answers an unknown error with the site’s 500 and logs its name only', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const registry = newRegistry().on(Other, answer(400));
    // Act
    const res = await registry.handle(new TypeError('secret@example.com'), request);
    const thrownString = await registry.handle('not an error', request);
    // Assess
    expect(res.statusCode).toBe(500);
    expect(thrownString.statusCode).toBe(500);
    expect(error.mock.calls).toEqual([
      ['test request failed', { error: 'TypeError' }],
      ['test request failed', { error: '' }],
    ]);
  });

  it('answers 500 when a handler itself fails', async () => {
    // Prepare
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    const registry = newRegistry().on(Other, () => {
      throw new RangeError('bad handler');
    });
    // Act
    const res = await registry.handle(new Other(), request);
    // Assess
    expect(res.statusCode).toBe(500);
  });
});
