import * as z from 'zod';
import { chinaDate } from '../../core/campaign/working-days.ts';
import { officialItem } from '../../core/findings/rectification.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Id } from '../../core/model.ts';
import { renderRectificationPage } from '../../core/render/rectification-page.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { photoHeaders } from './evidence.ts';
import { buildPageModel, loadPage, rectificationLinks } from './link.ts';
import { respond } from './site.ts';

const PageQuery = lazySchema(() =>
  z.object({
    done: Id.optional().catch(undefined),
    disputed: z.string().max(200).optional().catch(undefined),
    photo: Id.optional().catch(undefined),
  }),
);

const compareIds = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** GET /r/{token}: the center's rectification items, each with a form to report it fixed. */
export const showRectification = async (request: HttpRequest): Promise<HttpResult> => {
  const link = await rectificationLinks.require(request);
  const content = await loadPage(link);
  if (request.json) {
    // Officials see their items, never who found them nor when to the minute, in the order of their opaque ids.
    return respond.json(200, {
      center: { id: content.center.id, name: content.center.name },
      items: [...content.items].sort(compareIds).map(officialItem),
      today: chinaDate(new Date()),
    });
  }
  const { done, disputed, photo } = PageQuery.parse(request.query);
  const page = disputed ? await loadPage(link, { disputed }) : content;
  return respond.html(200, renderRectificationPage(buildPageModel(request, page, { done, photoAdded: photo })), {
    headers: await photoHeaders(page.photos, page.items),
  });
};
