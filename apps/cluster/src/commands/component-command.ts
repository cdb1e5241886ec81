/**
 * `skiff store|apiserver|scheduler|controller-manager|node|cri|proxy ...`: runs that component's own entry in this
 * process with the remaining arguments, so its flags, --help and exit codes are exactly the component's.
 */
import { pathToFileURL } from 'node:url';
import type { Command, CommandResult } from '../cli/command.js';
import { COMPONENTS, locateComponent, type ComponentDef } from '../components/components.js';
import { ClusterError } from '../errors.js';

function componentCommand(def: ComponentDef): Command {
  return {
    name: def.name,
    summary: `run ${def.summary} (${def.bin}; --help for its flags)`,
    async run(argv): Promise<CommandResult> {
      const where = locateComponent(def);
      if (!where.available) {
        throw new ClusterError('ComponentMissing', `${def.summary} is not available: ${where.reason}`);
      }
      // The entry reads process.argv like any bin; make it look as if it had been started directly.
      process.argv = [process.argv[0]!, where.entry, ...argv];
      await import(pathToFileURL(where.entry).href);
      return 'serving';
    },
  };
}

export const componentCommands: Command[] = COMPONENTS.map(componentCommand);
