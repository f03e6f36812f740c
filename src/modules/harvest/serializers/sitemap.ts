import { escapeXml } from '../xml.js';

const NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const entry = (tag: 'url' | 'sitemap', loc: string, lastmod?: string) =>
  `<${tag}><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</${tag}>`;

/** sitemaps.org 0.9 urlset: one landing page per public dataset. */
export const urlset = (urls: { loc: string; lastmod: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${NS}">${urls.map((u) => entry('url', u.loc, u.lastmod)).join('')}</urlset>\n`;

/** sitemaps.org 0.9 index, used once the catalog passes the 50,000 URLs one sitemap may hold. */
export const sitemapIndex = (maps: { loc: string; lastmod?: string }[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${NS}">${maps.map((m) => entry('sitemap', m.loc, m.lastmod)).join('')}</sitemapindex>\n`;
