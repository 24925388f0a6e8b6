import type { RectificationLink } from '../../adapters/table/rectification.ts';
import { store } from '../../adapters/table.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { checkLinkAlive, rectificationLinkExpiry } from '../../core/campaign/link-lifetime.ts';
import { chinaDate } from '../../core/campaign/working-days.ts';
import { CampaignNotFound } from '../../core/errors.ts';
import type { RectificationItem } from '../../core/findings/rectification.ts';
import type { FactCheckSection, RectificationPageModel } from '../../core/render/rectification-page.ts';
import { createLinkLookup, readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import { loadFindingPhotos } from './evidence.ts';

/** The link of the request's token; `require` throws LinkNotFound for an unknown or malformed token. */
export const rectificationLinks = createLinkLookup<RectificationLink>((hash) =>
  store.rectification.getRectificationLink(hash),
);

/** What a link opens: its campaign and its center's items. */
export interface LinkState {
  meta: CampaignMeta;
  items: RectificationItem[];
}

/** The campaign and the center's items of a link; LinkExpired once past its lifetime. */
export const openLink = async (link: RectificationLink): Promise<LinkState> => {
  const [meta, items] = await Promise.all([
    store.campaigns.getMeta(link.campaignId),
    store.rectification.listRectificationItems(link.series, link.centerId),
  ]);
  checkLinkAlive(rectificationLinkExpiry(meta, items), meta.campaign.organizers, new Date());
  return { meta, items };
};

/** The fact-check section of a campaign in fact-check: the draft findings, their disputes and the window. */
const loadFactCheck = async (
  link: RectificationLink,
  meta: CampaignMeta,
  extra: Partial<FactCheckSection>,
): Promise<FactCheckSection | undefined> => {
  if (meta.status !== 'fact-checking' || !meta.factCheckUntil) return undefined;
  const [findings, disputes] = await Promise.all([
    store.factCheck.listFactCheckItems(link.campaignId, link.centerId),
    store.factCheck.listDisputes(link.campaignId, link.centerId),
  ]);
  return {
    items: findings,
    disputes: new Map(disputes.map((d) => [d.itemId, d])),
    until: meta.factCheckUntil,
    open: Date.now() < Date.parse(meta.factCheckUntil) && !meta.factCheckFinished,
    ...extra,
  };
};

/** What the page of a link shows: the campaign, the center, its items and, in fact-check, the draft findings. */
export const loadPage = async (link: RectificationLink, extra: Partial<FactCheckSection> = {}) => {
  const [{ meta, items }, center] = await Promise.all([
    openLink(link),
    store.rosters.getCenter(link.campaignId, link.centerId),
  ]);
  if (!center) throw new CampaignNotFound(`center ${link.centerId} missing`);
  const factCheck = await loadFactCheck(link, meta, extra);
  const photos = await loadFindingPhotos([...(factCheck?.items ?? []), ...items], items);
  return { campaign: meta.campaign, center, items, factCheck, photos };
};
/** What the page of a link shows. */
export type PageContent = Awaited<ReturnType<typeof loadPage>>;

/** The page's model for the request's link, with today's date (China) and what else the page says. */
export const buildPageModel = (
  request: HttpRequest,
  page: PageContent,
  more: Partial<Pick<RectificationPageModel, 'done' | 'error' | 'photoAdded'>> = {},
): RectificationPageModel => ({ ...page, today: chinaDate(new Date()), token: readLinkToken(request), ...more });
