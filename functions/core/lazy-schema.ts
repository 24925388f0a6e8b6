/**
 * A module-level schema built at its first use instead of when its module loads. Building a zod
 * schema runs zod's constructors for every part of it; an HTTP function imports hundreds of schemas
 * and a request uses a few, so building them all is most of what a cold start pays for its own code.
 *
 * The value stands for the schema itself (same type, methods, `shape`, `instanceof`): `X.parse(…)`,
 * `X.extend(…)`, `z.object({ x: X })` and `z.infer<typeof X>` are written as before. The first
 * property read builds it, once; a schema that only sits inside another schema's shape is built when
 * that one first parses. Once built, the value holds the schema's own properties over the schema's
 * prototype: reading it costs what reading the schema costs (a parse of many items pays nothing more).
 */
export const lazySchema = <T extends object>(build: () => T): T => {
  const schema = {} as T;
  let building = false;
  const materialize = (): void => {
    if (building) throw new Error('a lazy schema was read while it was being built: wrap the reference in z.lazy');
    building = true;
    try {
      const built = build();
      Object.defineProperties(schema, Object.getOwnPropertyDescriptors(built));
      Object.setPrototypeOf(schema, Object.getPrototypeOf(built));
    } finally {
      building = false;
    }
  };
  // Until the first read, the prototype is what notices it; after it, the schema's own prototype.
  const unbuilt = new Proxy(Object.create(null) as object, {
    get: (_, key, receiver) => {
      materialize();
      return Reflect.get(schema, key, receiver);
    },
    has: (_, key) => {
      materialize();
      return Reflect.has(schema, key);
    },
    set: (_, key, value, receiver) => {
      materialize();
      return Reflect.set(schema, key, value, receiver);
    },
  });
  Object.setPrototypeOf(schema, unbuilt);
  return schema;
};
