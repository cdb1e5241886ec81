/**
 * `skiff image import FILE.tar`: puts the images of a `docker save` or OCI archive into every node's image store
 * (the one its CRI runtime serves from), so pods can use them without a registry. Works whether or not the
 * cluster runs: a running runtime sees the new images on its next lookup.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type Command, type CommandResult } from '../cli/command.js';
import { flag } from '../cli/flags.js';
import { directory, existingText } from '../cli/values.js';
import { loadClusterState } from '../cluster/cluster-state.js';
import { defaultDataDir } from '../cluster/data-dir.js';
import { clusterTopology } from '../cluster/topology.js';
import { ClusterError, UsageError } from '../errors.js';

const spec = {
  dataDir: flag('DIR', 'the cluster\'s data dir', directory, '.skiff/ at the repository root'),
  name: flag('NAME', 'name for images the archive does not name (e.g. docker save of an image ID)', existingText('an image name')),
};

const help = {
  usage: 'skiff image import FILE.tar [flags]',
  description: 'Imports the images of a docker-save or OCI image-layout archive (optionally gzipped) into every node of the cluster.',
  examples: ['docker save -o web.tar example.com/web:1.0 && skiff image import web.tar'],
};

export const imageCommand: Command = {
  name: 'image',
  summary: 'image import FILE.tar: load images into every node',
  async run(argv): Promise<CommandResult> {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write('Usage: skiff image import FILE.tar [flags]\n\nSubcommands:\n  import   load the images of an archive into every node (skiff image import --help)\n');
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'import') throw new UsageError('skiff image', `unknown subcommand "${sub}" (there is: import)`);
    const cl = commandLine('skiff image import', spec, help, rest);
    if (!cl) return 0;
    if (cl.positionals.length !== 1) throw new UsageError('skiff image import', cl.positionals.length ? 'takes one archive file' : 'needs the archive file to import');
    const file = cl.positionals[0]!;
    if (!existsSync(file)) throw new UsageError('skiff image import', `${file} does not exist`);
    const dataDir = cl.flags.dataDir ?? defaultDataDir();
    const state = loadClusterState(dataDir);
    if (!state) throw new ClusterError('NotRunning', `no cluster in ${dataDir}: start one with \`pnpm dev\` (or \`skiff up\`) first`);
    const nodes = clusterTopology(state, dataDir).nodes;
    if (nodes.length === 0) throw new ClusterError('NotRunning', `the cluster in ${dataDir} has no real nodes to import into`);
    const { ImageStore, importImage, isNodeAgentError } = await import('@skiff/node-agent');
    for (const node of nodes) {
      const store = await ImageStore.open(join(node.dir, 'cri', 'images'));
      try {
        const images = await importImage(store, file, { name: cl.flags.name });
        process.stdout.write(`${node.name}: imported ${images.map((i) => i.repoTags.join(', ') || i.id).join('; ')}\n`);
      } catch (e) {
        if (isNodeAgentError(e)) throw new ClusterError('ImageImport', `${node.name}: cannot import ${file}: ${e.message}`, { cause: e });
        throw e;
      }
    }
    return 0;
  },
};
