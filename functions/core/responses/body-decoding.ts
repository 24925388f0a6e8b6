/**
 * Request bodies decoded strictly: a JSON text whose objects repeat a key, and form bodies whose bytes
 * (or the bytes their percent-escapes stand for) are not valid UTF-8, are refused rather than guessed at.
 */

/**
 * The first key that appears twice in one object of a JSON text, if any. JSON.parse silently keeps the
 * last one, which would let a crafted body say two things at once. The text must already be valid JSON.
 */
export const findDuplicateJsonKey = (text: string): string | undefined => {
  // One frame per open container: the keys seen so far for objects, null for arrays.
  const stack: ({ keys: Set<string>; expectKey: boolean } | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    }
    i++;
  }
  return undefined;
};

/**
 * Decodes an application/x-www-form-urlencoded body strictly: the bytes, and the bytes its
 * percent-escapes stand for, must be valid UTF-8 (URLSearchParams would quietly turn them into
 * U+FFFD). Returns undefined when they are not.
 */
export const decodeFormBody = (body: Uint8Array): [string, string][] | undefined => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const hex = (b: number | undefined) =>
    b === undefined
      ? -1
      : b >= 0x30 && b <= 0x39
        ? b - 0x30
        : b >= 0x41 && b <= 0x46
          ? b - 0x37
          : b >= 0x61 && b <= 0x66
            ? b - 0x57
            : -1;
  const decode = (part: Uint8Array): string | undefined => {
    const out = new Uint8Array(part.length);
    let n = 0;
    for (let i = 0; i < part.length; i++) {
      const b = part[i] ?? 0;
      const hi = b === 0x25 ? hex(part[i + 1]) : -1;
      const lo = b === 0x25 ? hex(part[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
      } else out[n++] = b === 0x2b ? 0x20 : b;
    }
    try {
      return decoder.decode(out.subarray(0, n));
    } catch {
      return undefined;
    }
  };
  const fields: [string, string][] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x26) continue;
    const pair = body.subarray(start, i);
    start = i + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(0x3d);
    const key = decode(eq < 0 ? pair : pair.subarray(0, eq));
    const value = decode(eq < 0 ? new Uint8Array(0) : pair.subarray(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    fields.push([key, value]);
  }
  return fields;
};
