import * as z from 'zod';
import type { OutboxEmail } from '../ses-outbox.ts';
import { formsOf } from './forms.ts';

/** The official's personal rectification link (`/r/{token}`) in a fact-check notice or score summary. */
export const rectificationLink = (email: OutboxEmail): string | undefined =>
  /https?:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(email.body.text ?? '')?.[0];

const postForm = async (link: string, fields: Record<string, string>): Promise<string> => {
  const res = await fetch(link, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`POST ${link} was answered ${res.status}`);
  return location;
};

/**
 * Disputes the first draft finding on the official's fact-check page, as its form does; resolves with
 * the finding's id, or undefined when the page offers nothing to dispute.
 */
export const disputeFirstFinding = async (link: string, reason: string): Promise<string | undefined> => {
  const page = await fetch(link, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(30_000) });
  if (!page.ok) throw new Error(`GET ${link} was answered ${page.status}`);
  const form = formsOf(await page.text()).find((f) => f.hidden.intent === 'dispute');
  if (!form?.hidden.item) return undefined;
  await postForm(link, { intent: 'dispute', item: form.hidden.item, reason });
  return form.hidden.item;
};

const RectificationView = z.object({
  center: z.object({ id: z.string() }),
  items: z.array(z.object({ id: z.string(), state: z.string(), description: z.string(), dueDate: z.string() })),
});
/** A rectification item as the official's link lists it. */
export type ListedItem = z.infer<typeof RectificationView>['items'][number];

/** The center's rectification items, as the official's link lists them. */
export const rectificationItems = async (link: string): Promise<ListedItem[]> => {
  const res = await fetch(link, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`GET ${link} was answered ${res.status}`);
  return RectificationView.parse(await res.json()).items;
};

/** Reports one rectification item fixed with what was done, through the form of the official's page. */
export const reportFixed = async (link: string, item: string, note: string): Promise<void> => {
  await postForm(link, { item, note });
};

const FixPhotos = z.object({ photos: z.array(z.object({ state: z.string() })) });

/** The states of an item's photos of its fix, as the official's page's script reads them. */
export const fixPhotoStates = async (link: string, itemId: string): Promise<string[]> => {
  const res = await fetch(`${link}/items/${encodeURIComponent(itemId)}/photos`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`GET the photos of ${itemId} was answered ${res.status}`);
  return FixPhotos.parse(await res.json()).photos.map((p) => p.state);
};
