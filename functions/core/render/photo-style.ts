/**
 * The style of photo thumbnails on every page that shows them (the console, the survey, the official's
 * page). A module of its own, importing nothing: the console's layout, which every console page loads
 * (its sign-in page too), must not bring the photos' schemas with it.
 */

/** The stylesheet rules the photo sets need (added to a page's one stylesheet, whose hash its policy names). */
export const PHOTO_STYLE =
  '.ph-pair{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0}.ph-set{min-width:0}.ph-h{margin:0;font-size:13px;color:#546e7a}.ph-n{font-size:12px}' +
  '.photos{list-style:none;display:flex;flex-wrap:wrap;gap:6px;margin:4px 0;padding:0}.photos li{margin:0}.photos img{display:block;width:96px;height:96px;object-fit:cover;border-radius:4px;border:1px solid #cfd8dc;background:#eceff1}' +
  '.photos a:focus{outline:3px solid #ffb300;outline-offset:2px}.ph-state{font-size:13px;color:#546e7a;padding:4px 0}.ph-refused{color:#b71c1c}';
