/**
 * A console page with only a message: not found, forbidden.
 */

import { escapeHtml } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { type ConsolePageContext, renderConsolePage, showText } from './layout.ts';

/** Where a message page leads back to: the page the user came from, its filters and page kept. */
export interface BackLink {
  href: string;
  label: LocalizedText;
}

/** A page with only a message (not found, forbidden) and, when given, the way back. */
export const renderConsoleMessage = (
  c: ConsolePageContext,
  title: LocalizedText,
  message: LocalizedText,
  back?: BackLink,
): string =>
  renderConsolePage(
    c,
    title,
    `<div class="card"><p>${showText(message, c.lang)}</p>${back ? `<p><a href="${escapeHtml(back.href)}">${showText(back.label, c.lang)}</a></p>` : ''}</div>`,
  );
