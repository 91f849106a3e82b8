// Per-position comparison of two next-token distributions over the whole vocabulary: ours (softmax
// of our engine's logits) and llama.cpp's. Pure numbers in, numbers out.

import type { PositionAgreement } from '../api/lab.ts';

export function comparePosition(position: number, ours: ArrayLike<number>, theirs: ArrayLike<number>): PositionAgreement {
  if (ours.length !== theirs.length) throw new Error(`vocabulary sizes differ: ours ${ours.length}, llama.cpp ${theirs.length}`);
  let l1 = 0;
  let oursTop = 0;
  let theirsTop = 0;
  let theirsSecond = -1;
  for (let i = 0; i < ours.length; i++) {
    l1 += Math.abs(ours[i] - theirs[i]);
    if (ours[i] > ours[oursTop]) oursTop = i;
    if (theirs[i] > theirs[theirsTop]) {
      theirsSecond = theirsTop;
      theirsTop = i;
    } else if (i !== theirsTop && (theirsSecond < 0 || theirs[i] > theirs[theirsSecond])) {
      theirsSecond = i;
    }
  }
  const margin = theirsSecond < 0 ? 1 : theirs[theirsTop] - theirs[theirsSecond];
  return { position, tv: l1 / 2, oursTop, theirsTop, theirsMargin: margin };
}
