// edgeqat.config.json keys that do something, and the CLI's version: every key of a section is an
// option of its command or fills its optional positional argument (no key is accepted and ignored),
// export.backend / eval.model / bench.model take effect, and `edgeqat --version` is package.json's.
// (An unknown key is one line naming section and key: devices-config.test.ts.)
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../toolkit/version.js', () => ({ edgeqatVersion: () => '9.8.7-from-package-json' }));

const { buildProgram } = await import('../toolkit/cli/program.js');
const { applyConfigDefaults, ARGUMENT_KEYS, CONFIG_ENV, CONFIG_SCHEMA } = await import('../toolkit/cli/config.js');
const { exportCommand } = await import('../toolkit/cli/commands/export.js');
const { runCli } = await import('./helpers/run-cli.js');

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-config-keys-'));
const fixture = join(repo, 'test', 'fixtures', 'edgeqat-mlp.tflite');

describe('edgeqat.config.json keys', () => {
  it('every key is an option of its command, or the name of its optional positional argument', () => {
    const program = buildProgram();
    const unused: string[] = [];
    for (const [section, keys] of Object.entries(CONFIG_SCHEMA)) {
      const cmd = program.commands.find((c) => c.name() === section)!;
      const options = new Set(cmd.options.map((o) => o.attributeName()));
      const argument = cmd.registeredArguments.find((a) => !a.required && a.name() === ARGUMENT_KEYS[section as keyof typeof ARGUMENT_KEYS]);
      for (const key of Object.keys(keys)) if (!options.has(key) && argument?.name() !== key) unused.push(`${section}.${key}`);
    }
    expect(unused).toEqual([]);
  });

  it('export.backend fills export --backend', async () => {
    const path = join(tmp, 'edgeqat.config.json');
    writeFileSync(path, JSON.stringify({ export: { backend: 'cpu' } }));
    process.env[CONFIG_ENV] = path;
    try {
      const cmd = exportCommand().action(() => {});
      cmd.hook('preAction', applyConfigDefaults);
      await cmd.parseAsync(['runs/x'], { from: 'user' });
      expect(cmd.opts().backend).toBe('cpu');
      expect(cmd.getOptionValueSource('backend')).toBe('config');
    } finally {
      delete process.env[CONFIG_ENV];
    }
  });

  it('eval.model and bench.model name the model when the argument is left out', async () => {
    const project = mkdtempSync(join(tmp, 'project-'));
    writeFileSync(join(project, 'edgeqat.config.json'), JSON.stringify({ eval: { model: fixture, limit: 50, engine: 'reference' }, bench: { model: fixture, iterations: 5, warmup: 0, engine: 'reference' } }));
    const evaluated = await runCli(['eval', '--json', '--quiet'], { cwd: project });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ model: fixture, samples: 50, engine: 'reference' });
    const benched = await runCli(['bench', '--json'], { cwd: project });
    expect(benched.code, benched.stderr).toBe(0);
    expect(JSON.parse(benched.stdout)).toMatchObject({ model: fixture, iterations: 5, engine: 'reference' });
    const none = await runCli(['eval'], { cwd: mkdtempSync(join(tmp, 'empty-')) });
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe('edgeqat: error: no model: pass <model.tflite> or set eval.model in edgeqat.config.json');
  });
});

describe('edgeqat --version', () => {
  it("is edgeqatVersion()'s, which reads package.json", async () => {
    expect(buildProgram().version()).toBe('9.8.7-from-package-json');
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version);
  });
});
