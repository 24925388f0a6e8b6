/**
 * A console page with only a message: not found, forbidden.
 */
import type { LocalizedText } from '../../model.ts';
import { type ConsolePageContext, renderConsolePage, showText } from './layout.ts';

/** A page with only a message (not found, forbidden). */
export const renderConsoleMessage = (c: ConsolePageContext, title: LocalizedText, message: LocalizedText): string =>
  renderConsolePage(c, title, `<p class="card">${showText(message, c.lang)}</p>`);
