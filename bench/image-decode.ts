// Image decoding throughput (images/s, one core): PNG and JPEG files as the `images:` source and
// the bundles read them (header, decode, EXIF orientation, resize, channels), at MNIST size, CIFAR
// size in colour and photo size (224×224 resized to 32×32). Files are made here from MNIST (pngjs
// for PNG; jpeg-js's encoder for JPEG, once per size: speed does not depend on the content).
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { imageToTarget } from '../runtime/images/load-image.js';
import { resizeImage } from '../runtime/images/resize.js';

export interface DecodeBench {
  case: string;
  format: string;
  from: string;
  to: string;
  bytes: number;
  /** Images per second of wall time and per second of this process's CPU time (steadier under load). */
  images_per_s: number;
  images_per_cpu_s: number;
}

function rgba(gray: Uint8Array, w: number, h: number, colour: boolean): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    out[p * 4] = gray[p]!;
    out[p * 4 + 1] = colour ? 255 - gray[p]! : gray[p]!;
    out[p * 4 + 2] = colour ? gray[p]! >> 1 : gray[p]!;
    out[p * 4 + 3] = 255;
  }
  return out;
}

export function benchImageDecode(quick: boolean): DecodeBench[] {
  const test = loadDataset('mnist', { split: 'test' }).test!;
  const image = (side: number) => resizeImage(test.pixels!.subarray(0, 784), 28, 28, 1, side, side);
  const cases = [
    { name: 'MNIST gray', side: 28, colour: false, to: [28, 28, 1] as const },
    { name: 'CIFAR-size colour', side: 32, colour: true, to: [32, 32, 3] as const },
    { name: 'photo to 32x32', side: 224, colour: true, to: [32, 32, 3] as const },
  ];
  const out: DecodeBench[] = [];
  for (const c of cases) {
    const pixels = rgba(image(c.side), c.side, c.side, c.colour);
    const png = new pngjs.PNG({ width: c.side, height: c.side });
    png.data = Buffer.from(pixels);
    const files = {
      png: new Uint8Array(pngjs.PNG.sync.write(png, { colorType: c.colour ? 2 : 0, inputColorType: 6 })),
      jpeg: new Uint8Array(jpeg.encode({ width: c.side, height: c.side, data: pixels }, 90).data),
    };
    for (const [format, bytes] of Object.entries(files)) {
      const target = { rows: c.to[0], cols: c.to[1], channels: c.to[2], resize: 'stretch' as const };
      const seconds = quick ? 0.5 : 2;
      for (let i = 0; i < 20; i++) imageToTarget(bytes, 'bench', target);
      let n = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      while (performance.now() - t0 < seconds * 1000) {
        for (let i = 0; i < 10; i++) imageToTarget(bytes, 'bench', target);
        n += 10;
      }
      const s = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      const cpu = (used.user + used.system) / 1e6;
      out.push({ case: c.name, format, from: `${c.side}x${c.side}${c.colour ? ' RGB' : ' gray'}`, to: c.to.join('x'), bytes: bytes.length, images_per_s: n / s, images_per_cpu_s: n / cpu });
    }
  }
  return out;
}
