// HTML → readable text: Readability picks the article out of a page (dropping navigation, ads,
// footers) on a linkedom document; pages it does not judge readable go whole through html-to-text.
// No script runs: linkedom parses only, and nothing here fetches anything.
import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { convert } from 'html-to-text';
import { parseHTML } from 'linkedom';

export interface HtmlText {
  text: string;
  title: string | null;
  sections: number;
}

const TO_TEXT = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
  ],
};

export function htmlToText(html: string): HtmlText {
  const dom = parseHTML(html).document;
  const sections = Math.max(1, dom.querySelectorAll('h1, h2, h3').length);
  const title = dom.querySelector('title')?.textContent?.trim() || null;
  if (isProbablyReaderable(dom as unknown as Document, { minContentLength: 60, minScore: 10 })) {
    const article = new Readability(dom as unknown as Document).parse();
    if (article?.content) {
      const text = tidy(convert(article.content, TO_TEXT));
      if (text)
        return {
          text: article.title && !text.startsWith(article.title) ? `${article.title}\n\n${text}` : text,
          title: article.title ?? title,
          sections,
        };
    }
  }
  return { text: tidy(convert(html, TO_TEXT)), title, sections };
}

/** At most one blank line between paragraphs, no trailing spaces. */
export function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
