import { LinkExpired } from '../errors.ts';
import type { RectificationItem } from '../findings/rectification.ts';
import type { LocalizedText } from '../model.ts';
import { chinaDate } from './working-days.ts';

/**
 * How long personal links keep working once there is nothing left to do through them. A link is a
 * bearer token that sits in mailboxes and gets forwarded; past these periods it opens nothing and
 * says whom to ask. Pure.
 */

/**
 * Days a survey link (/s/) still shows its answers after the campaign's results are published:
 * long enough for a supervisor to look back at what they said when the results come out and
 * questions follow, short of the next months' campaigns, whose links replace it.
 */
export const SURVEY_LINK_DAYS_AFTER_PUBLICATION = 30;

/**
 * Days a rectification link (/r/) still works after every item it covers is closed: a quarter,
 * so an official can still show the closed items (and their notes) in the next quarterly review
 * or a leader's follow-up, while a link of a long-settled month does not open the series for good.
 */
export const RECTIFICATION_LINK_DAYS_AFTER_CLOSE = 90;

const DAY_MS = 86_400_000;

/** What of a campaign decides how long its links live. */
export interface LifetimeState {
  status: string;
  publishedAt?: string | undefined;
  closedAt?: string | undefined;
  deadline: string;
  campaign: { month: string };
}

const plusDays = (instant: string, days: number): string => new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/**
 * When the campaign's results were published; undefined before. A campaign published before the
 * time was recorded counts from its close (or deadline): its links expire a little early, never late.
 */
export const publicationTime = (meta: LifetimeState): string | undefined =>
  meta.status === 'published' ? (meta.publishedAt ?? meta.closedAt ?? meta.deadline) : undefined;

/** When a survey link stops opening: the publication plus its period; undefined while unpublished. */
export const surveyLinkExpiry = (meta: LifetimeState): string | undefined => {
  const published = publicationTime(meta);
  return published === undefined ? undefined : plusDays(published, SURVEY_LINK_DAYS_AFTER_PUBLICATION);
};

/** When an item was closed (confirmed fixed on re-check); undefined while it is not. */
const closedAt = (item: Pick<RectificationItem, 'state' | 'lastRecheck' | 'history'>): string | undefined =>
  item.state !== 'confirmed'
    ? undefined
    : (item.lastRecheck?.at ??
      item.history.filter((e) => e.event === 'confirmed').at(-1)?.at ??
      item.history.at(-1)?.at);

/**
 * When a rectification link stops working. It covers its center's items found up to its campaign's
 * month (the ones its emails could list; later items come with a later link), and lives until its
 * campaign is published and all of them are closed, plus its period. Undefined while any is open.
 */
export const rectificationLinkExpiry = (
  meta: LifetimeState,
  items: readonly Pick<RectificationItem, 'month' | 'state' | 'lastRecheck' | 'history'>[],
): string | undefined => {
  const published = publicationTime(meta);
  if (published === undefined) return undefined;
  let last = published;
  for (const item of items) {
    if (item.month > meta.campaign.month) continue;
    const closed = closedAt(item);
    if (closed === undefined) return undefined;
    if (Date.parse(closed) > Date.parse(last)) last = closed;
  }
  return plusDays(last, RECTIFICATION_LINK_DAYS_AFTER_CLOSE);
};

/** Whether a link with this expiry has expired at `now`. */
export const hasExpired = (expiry: string | undefined, now: Date): boolean =>
  expiry !== undefined && now.getTime() >= Date.parse(expiry);

/** Throws LinkExpired once the link's expiry has passed, naming the campaign's first organizer to ask. */
export const checkLinkAlive = (expiry: string | undefined, organizers: readonly string[], now: Date): void => {
  if (expiry !== undefined && hasExpired(expiry, now)) throw new LinkExpired(expiry, organizers[0] ?? '');
};

/** Title and message of an expired link's answer, Chinese and English, naming the organizers' contact. */
export const expiredLinkMessage = (
  kind: 'survey' | 'rectification',
  expired: LinkExpired,
): { title: LocalizedText; message: LocalizedText } => {
  const day = chinaDate(expired.expiry);
  const contact = expired.contact;
  const title = { zh: '链接已过期', en: 'Link expired' };
  if (kind === 'survey') {
    return {
      title,
      message: {
        zh: `此问卷链接已于 ${day} 过期：本次督查结果公布 ${SURVEY_LINK_DAYS_AFTER_PUBLICATION} 天后，问卷链接不再显示答卷。如需查看您的答卷，请联系组织方：${contact}。`,
        en: `This questionnaire link expired on ${day}: ${SURVEY_LINK_DAYS_AFTER_PUBLICATION} days after a campaign's results are published, its links no longer show the answers. To see your answers, please contact the organizers: ${contact}.`,
      },
    };
  }
  return {
    title,
    message: {
      zh: `此整改链接已于 ${day} 过期：结果公布且所涉整改事项全部销号 ${RECTIFICATION_LINK_DAYS_AFTER_CLOSE} 天后，链接停止使用。如需查阅，请联系组织方：${contact}。`,
      en: `This rectification link expired on ${day}: links stop working ${RECTIFICATION_LINK_DAYS_AFTER_CLOSE} days after the results are published and every item they cover is closed. For anything about them, please contact the organizers: ${contact}.`,
    },
  };
};
