import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { COMMAND_MODULES, commandsFor } from '../../src/cli/commands.js';

const names = (argv: string[]): string[] => commandsFor(argv).map(([name]) => name);
const ALL = COMMAND_MODULES.map(([name]) => name);

describe('lazy command loading (commandsFor)', () => {
  it('each loader registers exactly the command it is named after, in help order', async () => {
    for (const [name, load] of COMMAND_MODULES) {
      const program = new Command();
      (await load())(program);
      assert.deepEqual(program.commands.map((c) => c.name()), [name], `loader of '${name}'`);
    }
  });

  it('a named command loads that command alone, after global options and their values', () => {
    assert.deepEqual(names(['factor', 'a.npy', '--rank', '5']), ['factor']);
    assert.deepEqual(names(['--backend', 'native', '--threads', '1', 'spectrum', 'a.npy']), ['spectrum']);
    assert.deepEqual(names(['--backend=js', '--verbose', 'info']), ['info']);
    assert.deepEqual(names(['image', '--help']), ['image']);
  });

  it('a bare --version loads none; help, no command and unknown commands load all', () => {
    assert.deepEqual(names(['--version']), []);
    assert.deepEqual(names(['-V']), []);
    assert.deepEqual(names([]), ALL);
    assert.deepEqual(names(['--help']), ALL);
    assert.deepEqual(names(['--version', '--help']), ALL);
    assert.deepEqual(names(['help', 'factor']), ALL);
    assert.deepEqual(names(['facotr', 'a.npy']), ALL);
  });
});
