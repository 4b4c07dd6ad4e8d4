// Channel conversion to what the model takes: grayscale → RGB repeats the value; RGB → grayscale
// is ITU-R BT.601 luma, L = (299 R + 587 G + 114 B) / 1000 rounded (PIL's convert('L')).
export function toChannels(data: Uint8Array, from: number, to: number): Uint8Array {
  if (from === to) return data;
  const n = data.length / from;
  const out = new Uint8Array(n * to);
  if (from === 1 && to === 3) {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i]!;
  } else if (from === 3 && to === 1) {
    for (let i = 0; i < n; i++) out[i] = Math.floor((299 * data[i * 3]! + 587 * data[i * 3 + 1]! + 114 * data[i * 3 + 2]! + 500) / 1000);
  } else {
    throw new RangeError(`channel conversion ${from} -> ${to} is not defined`);
  }
  return out;
}
