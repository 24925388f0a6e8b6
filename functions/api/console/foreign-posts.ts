/**
 * The check that a form was posted from the console itself, run before every route. Light on purpose:
 * the message page that refuses a forged post is loaded only when one comes.
 */
import type { HttpRequest, Middleware } from '../../edge/http/types.ts';

/** Whether a POST came from another site (a forged form): the browser's Origin is not this host's. */
const isForeignPost = (request: HttpRequest): boolean => {
  if (request.method !== 'POST') return false;
  const { origin, host } = request.event.headers;
  if (origin === undefined || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
};

/** Refuses a POST from another site with 403 before anything else is done. */
export const refuseForeignPosts: Middleware = async (request, next) =>
  isForeignPost(request) ? (await import('./context.ts')).answerMessage(request, 403, 'foreignPost') : next();
