/**
 * A module-level schema built at its first use instead of when its module loads. Building a zod
 * schema runs zod's constructors for every part of it; an HTTP function imports hundreds of schemas
 * and a request uses a few, so building them all is most of what a cold start pays for its own code.
 *
 * The value stands for the schema itself (same type, methods, `shape`, `instanceof`): `X.parse(…)`,
 * `X.extend(…)`, `z.object({ x: X })` and `z.infer<typeof X>` are written as before. The first
 * property read builds it, once; a schema that only sits inside another schema's shape is built when
 * that one first parses.
 */
export const lazySchema = <T extends object>(build: () => T): T => {
  let built: T | undefined;
  const schema = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    // Reported configurable: a proxy may not claim a fixed property its (empty) target lacks.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
};
