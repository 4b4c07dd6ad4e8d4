// `npm run build` starts from an empty dist/: a compiled file whose source is gone must not linger
// there and be packed into the tarball (package.json "files" takes whole dist/ folders).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
