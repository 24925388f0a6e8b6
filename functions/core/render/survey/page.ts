/**
 * The supervisor's questionnaire page: the form, the confirmation after a submission, or the read-only
 * answers after close; and a short page for errors and notices.
 */
import { ACTIVITY_LABELS, escapeHtml, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { SURVEY_SCRIPT, SURVEY_STYLE } from './assets.ts';
import { renderForm } from './form.ts';
import type { SurveyPageModel } from './model.ts';
import { renderNotice } from './notice.ts';
import { PHOTO_SCRIPT } from './photo-script.ts';
import { renderSummary, renderVersions } from './summary.ts';
import { formatVisitWindow, say, showText, showUi, toHtmlLang } from './text.ts';

/** The page around a header and body, with the inlined style and scripts. */
export const renderPage = (lang: Lang, title: string, header: string, body: string, footer = '') =>
  `<!doctype html><html lang="${toHtmlLang(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${title}</title><style>${SURVEY_STYLE}</style></head>
<body>${header}<main>${body}</main>${footer ? `<footer>${footer}</footer>` : ''}<script>${SURVEY_SCRIPT}</script><script>${PHOTO_SCRIPT}</script></body></html>`;

/** Renders the supervisor's questionnaire page: the form, the confirmation, or the read-only answers. */
export const renderSurveyPage = (m: SurveyPageModel): string => {
  const { lang } = m;
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const header = `<header class="top"><div class="bar"><span>${showUi('appName', lang)}</span><nav aria-label="${say(lang, '语言', 'Language')}"><a class="lang" id="lang-switch" href="?lang=${other}${m.view === 'confirmation' ? '&amp;view=confirmation' : ''}" lang="${toHtmlLang(other)}" hreflang="${toHtmlLang(other)}">${showUi('switchTo', lang)}</a></nav></div><h1>${showText(m.campaign.title, lang)}</h1></header>`;
  const c = m.center;
  const assignment = `<section class="card center" aria-labelledby="center-name"><h2 id="center-name">${showText(c.name, lang)}<span class="badge">${showText(LEVEL_LABELS[c.level], lang)}</span></h2>
<dl class="facts">${c.address ? `<dt>${showUi('address', lang)}</dt><dd>${escapeHtml(c.address)}</dd>` : ''}<dt>${showUi('activity', lang)}</dt><dd>${showText(ACTIVITY_LABELS[m.activity], lang)}</dd>
<dt>${showUi('window', lang)}</dt><dd>${escapeHtml(formatVisitWindow(m.window.opens, m.window.deadline, lang))}</dd></dl></section>`;
  let body: string;
  if (m.view === 'form') body = `${assignment}${renderNotice(m)}${renderForm(m)}`;
  else {
    const edit =
      m.view === 'confirmation'
        ? `<a class="button secondary edit" href="${escapeHtml(m.token)}?lang=${lang}">${showUi('edit', lang)}</a>`
        : '';
    body = `${renderNotice(m)}${edit}${assignment}<h2 class="vh">${showUi('yourAnswers', lang)}</h2>${renderSummary(m)}<section class="card">${renderVersions(m) || `<p class="hint">${say(lang, '尚无提交记录。', 'No submissions.')}</p>`}</section>${edit}`;
  }
  const footer =
    m.view === 'closed' ? showUi('personal', lang) : `${showUi('personal', lang)}${showUi('editable', lang)}`;
  return renderPage(lang, `${showText(c.name, lang)} · ${showText(m.campaign.title, lang)}`, header, body, footer);
};

/** A short page for errors and notices (unknown link, closed campaign, oversize submission). */
export const renderMessagePage = (lang: Lang, title: LocalizedText, message: LocalizedText): string =>
  renderPage(
    lang,
    showText(title, lang),
    `<header class="top"><div class="bar"><span>${showUi('appName', lang)}</span></div><h1>${showText(title, lang)}</h1></header>`,
    `<div class="card"><p>${showText(message, lang)}</p></div>`,
  );
