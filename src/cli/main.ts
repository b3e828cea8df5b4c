import { Command, CommanderError } from 'commander';
import { isDomainError } from '../kernel/errors.ts';
import { registryCommands } from './commands/registry.ts';
import { seedCommand } from './commands/seed.ts';
import { startCommand } from './commands/start.ts';
import { auditCommands } from './commands/audit.ts';
import { smscSimCommand } from './commands/smsc-sim.ts';
import { egovSimCommand } from './commands/egov-sim.ts';
import { callupCommands } from './commands/callup.ts';
import { eligibleCommand } from './commands/eligible.ts';
import { summonsCommands } from './commands/summons.ts';
import { alertCommands } from './commands/alert.ts';
import { civilCommands } from './commands/civil.ts';
import { simulateCommand } from './commands/simulate.ts';
import { exerciseCommands } from './commands/exercise.ts';
import { territorialCommands } from './commands/territorial.ts';
import { infraCommands } from './commands/infra.ts';
import { economyCommands } from './commands/economy.ts';

const program = new Command('mobilize')
  .description('Mobilize: registry, call-up, summonses and crisis coordination')
  .showHelpAfterError()
  .exitOverride();

registryCommands(program);
seedCommand(program);
startCommand(program);
auditCommands(program);
smscSimCommand(program);
egovSimCommand(program);
callupCommands(program);
eligibleCommand(program);
summonsCommands(program);
alertCommands(program);
civilCommands(program);
simulateCommand(program);
exerciseCommands(program);
territorialCommands(program);
infraCommands(program);
economyCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode;
  } else if (isDomainError(e)) {
    console.error(`error ${e.code}: ${e.message}`);
    process.exitCode = 2;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
}
