/** A form of a server-rendered page: where it posts and the values of its hidden fields. */
export interface PageForm {
  action: string;
  hidden: Record<string, string>;
}

const decodeEntities = (value: string) =>
  value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
const attribute = (tag: string, name: string) => {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeEntities(value);
};

/**
 * The forms of a console, survey or rectification page, read as a browser would submit them: the
 * pages escape every attribute value as a numeric character reference.
 */
export const formsOf = (html: string): PageForm[] =>
  [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, open = '', body = '']) => ({
    action: attribute(open, 'action') ?? '',
    hidden: Object.fromEntries(
      [...body.matchAll(/<input\b[^>]*>/g)].flatMap(([tag]) => {
        const name = attribute(tag, 'name');
        return attribute(tag, 'type') === 'hidden' && name ? [[name, attribute(tag, 'value') ?? '']] : [];
      }),
    ),
  }));
