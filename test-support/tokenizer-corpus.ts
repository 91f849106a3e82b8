// A tokenizer test corpus: the kinds of text users paste into a chat, each chosen to exercise a part of
// SentencePiece tokenization with Gemma 3's vocabulary (merges, byte fallback, user-defined runs of
// whitespace, control tokens written as text), plus a deterministic ~100 KB document mixing them all.
import { Rng } from './synth/prng.ts';

export interface CorpusEntry {
  name: string;
  text: string;
}

export const CORPUS: readonly CorpusEntry[] = [
  { name: 'empty', text: '' },
  {
    name: 'English prose',
    text:
      'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness. ' +
      'The committee\'s report (released on Tuesday) wasn\'t well received: "unworkable", said one member.',
  },
  {
    name: 'code with tabs and runs of spaces',
    text:
      'def tokenize(text):\n\tfor line in text.splitlines():\n\t\tif  line.strip() :\n\t\t\tyield   line\n' +
      '    return None    # four spaces, then a comment\n\n\n' +
      'const  x   =    { a: 1,     b: [1, 2,  3] };\t\t// tabs\t \t and spaces\n' +
      '                                        forty spaces, then text;' +
      ' '.repeat(70) +
      'seventy',
  },
  {
    name: 'numbers',
    text: 'Pi is 3.14159265358979, e ≈ 2.71828; 1,000,000 + 2^31 = 2147483648; dates 2024-11-30 and 30/11/2024; -0.5e-10, 0x1F, 007, 12345678901234567890.',
  },
  { name: 'emoji', text: 'Ship it 🚀🚀 — great job 👍🏽! Family: 👩‍👩‍👧‍👦, flags 🇯🇵🇫🇷, faces 🙂😅🤖, keycap 1️⃣ and a rare one 🪼.' },
  {
    name: 'CJK',
    text: '東京は日本の首都です。我们今天去公园散步吧！한국어 문장도 있습니다. 漢字とひらがなとカタカナ、そして半角ｶﾀｶﾅ。',
  },
  {
    name: 'accented Latin',
    text: 'Café crème brûlée à la carte; naïve façade; São Paulo; Zürich; Øresund; Łódź; Ærøskøbing; ñandú; İstanbul; ǅemal; Ωmega µ.',
  },
  {
    name: '<start_of_turn> in text',
    text: 'The prompt looks like <start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\nHi there!<end_of_turn>\nand <bos><eos> too.',
  },
  {
    name: 'HTML tags and markup',
    text: '<table><tr><td>cell</td></tr></table> <b>bold</b> <code>x</code> [multimodal] <mask> <unused7> <unk>',
  },
  { name: 'newline runs', text: 'a\nb\n\nc\n\n\nd' + '\n'.repeat(40) + 'e\r\nf\r\n\r\ng' },
  { name: 'leading and trailing spaces', text: '   leading, trailing   ' },
  { name: 'single characters', text: 'a' },
  {
    name: 'control characters and rare code points',
    text: 'bell\u0007 nul-free \u000b\u000c zero\u200bwidth \u00ad soft 𐍈 gothic 𝔘𝔫𝔦 \u{10FFFD} private',
  },
];

const WORDS = {
  prose:
    'the of and to in is that for it as was with be by on not he I this are or his from at which but have an they you were her she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
      ' ',
    ),
  code: [
    '\tif (x  ==  y) {',
    '\t\treturn  z;',
    '    }',
    'for (let i = 0; i < n; i++) {',
    '  console.log(`value: ${i}`);',
    '}',
    'SELECT  id, name FROM users WHERE age >= 21;',
  ],
  numbers: ['42', '3.14159', '1,024', '2^16', '-17', '1e-9', '0xFF', '99.9%', '$1,299.00', '2026-11-30'],
  emoji: ['🙂', '🚀', '👍🏽', '👩‍💻', '🇩🇪', '❤️', '🤖', '✨'],
  cjk: ['日本語', '中文', '한국어', '東京', '北京', '서울', 'ありがとう', '谢谢'],
  accents: ['café', 'naïve', 'résumé', 'Zürich', 'São', 'Łódź', 'Ærø', 'ñandú', 'façade', 'Ελληνικά', 'Русский'],
};

/** A deterministic document of at least `minChars` characters (100 KB by default) mixing every kind of text above. */
export function largeDocument(minChars = 100_000, seed = 7): string {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length) % xs.length];
  const parts: string[] = [];
  const sep = rng.next() < 0.5 ? '\n\n' : '\n';
  let length = -sep.length;
  while (length < minChars) {
    const r = rng.next();
    let para: string;
    if (r < 0.55) {
      const n = 20 + Math.floor(rng.next() * 60);
      const words: string[] = [];
      for (let i = 0; i < n; i++) {
        const k = rng.next();
        words.push(
          k < 0.8
            ? pick(WORDS.prose)
            : k < 0.88
              ? pick(WORDS.numbers)
              : k < 0.93
                ? pick(WORDS.accents)
                : k < 0.97
                  ? pick(WORDS.cjk)
                  : pick(WORDS.emoji),
        );
      }
      para = words.join(rng.next() < 0.1 ? '  ' : ' ');
      para = para[0].toUpperCase() + para.slice(1) + '.';
    } else if (r < 0.8) {
      const lines: string[] = [];
      for (let i = 0, n = 3 + Math.floor(rng.next() * 8); i < n; i++) lines.push(pick(WORDS.code));
      para = lines.join('\n');
    } else {
      para = pick(CORPUS.slice(1)).text;
    }
    parts.push(para);
    length += para.length + sep.length;
  }
  return parts.join(sep);
}
