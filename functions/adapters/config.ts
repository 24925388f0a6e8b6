import type * as z from 'zod';

/** Raised when the environment a function runs in is missing or malformed. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Reads a required environment variable, failing loudly instead of defaulting. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`${name} environment variable is not set`);
  }
  return value;
};

/** Reads an environment variable and validates it with a schema, naming the variable on failure. */
export const readEnv = <T extends z.ZodType>(name: string, schema: T): z.output<T> => {
  const parsed = schema.safeParse(process.env[name]);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => i.message).join('; ');
    throw new ConfigurationError(`${name} environment variable is invalid: ${detail}`);
  }
  return parsed.data;
};
