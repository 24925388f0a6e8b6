import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { lazySchema } from '../../../functions/core/lazy-schema.ts';
import { LocalizedText } from '../../../functions/core/model.ts';

describe('lazySchema', () => {
  it('builds the schema at its first use, once, and not before', () => {
    // Arrange
    let builds = 0;
    const Name = lazySchema(() => {
      builds++;
      return z.string().min(1, 'a name is required');
    });
    const Person = lazySchema(() => z.object({ name: Name }));
    // Act
    const before = builds;
    const first = Person.parse({ name: 'Li' });
    const second = Name.safeParse('');
    // Assess
    expect(before).toBe(0);
    expect(first).toEqual({ name: 'Li' });
    expect(second.success).toBe(false);
    expect(second.error?.issues[0]?.message).toBe('a name is required');
    expect(builds).toBe(1);
  });

  it('stands for the schema: methods, shape, instanceof, extend and a place in another shape', () => {
    // Arrange
    const Center = lazySchema(() => z.object({ id: z.string(), level: z.enum(['district', 'street']) }));
    const Ranked = lazySchema(() => Center.extend({ rank: z.number().int() }));
    const List = z.array(Center.optional());
    // Act
    const ranked = Ranked.parse({ id: 'c1', level: 'street', rank: 2 });
    const refused = List.safeParse([{ id: 'c1', level: 'city' }]);
    // Assess
    expect(Center).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(Center.shape)).toEqual(['id', 'level']);
    expect(ranked).toEqual({ id: 'c1', level: 'street', rank: 2 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual([0, 'level']);
    expect(List.parse([undefined, { id: 'c2', level: 'district' }])).toEqual([
      undefined,
      { id: 'c2', level: 'district' },
    ]);
  });

  it('once built, is read as the schema is: its own properties over its own prototype', () => {
    // Arrange
    const Id = lazySchema(() => z.string().min(1));
    const eager = z.string().min(1);
    // Act
    Id.parse('c1');
    eager.parse('c1');
    // Assess
    expect(Object.getPrototypeOf(Id)).toBe(Object.getPrototypeOf(eager));
    expect(Object.keys(Id).sort()).toEqual(Object.keys(eager).sort());
    expect(Id._zod.def.type).toBe('string');
  });

  it('names the mistake when a schema reads itself while it is being built', () => {
    // Arrange
    const Node: z.ZodType = lazySchema((): z.ZodType => z.object({ parent: Node.optional() }));
    // Act, Assess
    expect(() => Node.parse({})).toThrow(/read while it was being built: wrap the reference in z.lazy/);
  });

  it('leaves the model schemas as they were: transforms and messages', () => {
    // Act
    const text = LocalizedText.safeParse({ zh: ' 中心 ', en: '' });
    // Assess
    expect(text.success).toBe(false);
    expect(text.error?.issues.map((i) => i.message)).toEqual(['English text (en) is required']);
    expect(LocalizedText.parse({ zh: ' 中心 ', en: ' Center ' })).toEqual({ zh: '中心', en: 'Center' });
  });
});
