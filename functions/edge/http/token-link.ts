import { expiredLinkMessage } from '../../core/campaign/link-lifetime.ts';
import { hashToken, TOKEN_PATTERN } from '../../core/campaign/links.ts';
import type { LinkExpired } from '../../core/errors.ts';
import { LinkNotFound } from '../../core/errors.ts';
import type { LocalizedText } from '../../core/model.ts';
import type { ErrorHandler } from './errors.ts';
import type { Responses } from './responses.ts';
import type { HttpRequest } from './types.ts';

/** The kinds of personal links, as `expiredLinkMessage` words them. */
export type LinkKind = 'survey' | 'rectification';

/** The token of a link route (`/s/{token}`, `/r/{token}`), as sent. */
export const readLinkToken = (request: HttpRequest): string => request.params.token ?? '';

/** Looks up the record a link's token opens. */
export interface LinkLookup<T> {
  /** The record of the request's token, or undefined (a malformed token is never looked up). */
  find: (request: HttpRequest) => Promise<T | undefined>;
  /** The record of the request's token; {@link LinkNotFound} when there is none. */
  require: (request: HttpRequest) => Promise<T>;
}

/**
 * A lookup by the SHA-256 of the token (the table never holds a token). `remember` records found
 * are kept per container, the oldest dropped first, for records that never change; unknown tokens
 * are never kept.
 */
export const createLinkLookup = <T>(
  lookup: (hash: string) => Promise<T | undefined>,
  options: { remember?: number } = {},
): LinkLookup<T> => {
  const remember = options.remember ?? 0;
  const known = new Map<string, T>();
  const find = async (request: HttpRequest): Promise<T | undefined> => {
    const token = readLinkToken(request);
    // A malformed token is answered exactly like an unknown one.
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const hash = hashToken(token);
    const hit = known.get(hash);
    if (hit) return hit;
    const record = await lookup(hash);
    if (record && remember > 0) {
      if (known.size >= remember) known.delete(known.keys().next().value ?? '');
      known.set(hash, record);
    }
    return record;
  };
  return {
    find,
    require: async (request) => {
      const record = await find(request);
      if (record === undefined) throw new LinkNotFound('no link for this token');
      return record;
    },
  };
};

/** The JSON of an expired link, the same for every kind: the message in both languages, whom to ask, since when. */
export const linkExpiredBody = (kind: LinkKind, error: LinkExpired) => {
  const { message } = expiredLinkMessage(kind, error);
  return { error: 'expired', message: `${message.zh} ${message.en}`, contact: error.contact, expiredAt: error.expiry };
};

/**
 * The 410 of an expired link: its JSON (`linkExpiredBody`) to a script, else the site's page of the
 * title and message (`page`).
 */
export const answerLinkExpired =
  (
    kind: LinkKind,
    responses: Responses,
    page: (request: HttpRequest, text: { title: LocalizedText; message: LocalizedText }) => string,
  ): ErrorHandler<LinkExpired> =>
  (error, request) =>
    request.json
      ? responses.json(410, linkExpiredBody(kind, error))
      : responses.html(410, page(request, expiredLinkMessage(kind, error)));
