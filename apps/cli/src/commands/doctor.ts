import { ConfigError, loadConfig, type ConfigFlags } from '../config-loader';
import type { CliConfig } from '../cli-config';
import { builtInsToEmbed } from '../built-in-connectors';
import { pluginIds } from '../connector-runtime';
import { ExitCode } from '../exit-codes';
import { checkConnector, checkSigningKey } from '../doctor/connector-checks';
import { fail, skip, type DoctorCheck } from '../doctor/doctor-check';
import { checkDataDir, checkHttpPort, checkNodeVersion } from '../doctor/environment-checks';
import { checkNats, checkSessionStore } from '../doctor/service-checks';
import { checkHubSecurity } from '../doctor/security-checks';

export interface DoctorFlags extends ConfigFlags {
  json?: boolean;
}

/**
 * `mcp-hub doctor [target]`: checks what `mcp-hub <target>` needs, with the same configuration
 * flags, and says what is wrong and how to fix it. Targets: `start` (the embedded mode, the
 * default), `hub` (the front over NATS), or a connector id (`mcp-hub connector <id>`).
 * Exit 0 when nothing failed (warnings included), 1 otherwise.
 */
export async function runDoctor(target: string | undefined, flags: DoctorFlags, out: NodeJS.WritableStream = process.stdout): Promise<ExitCode> {
  const checks = await doctorChecks(target ?? 'start', flags);
  const failed = checks.some((c) => c.status === 'fail');
  out.write(flags.json ? `${JSON.stringify({ target: target ?? 'start', ok: !failed, checks }, null, 2)}\n` : render(checks));
  return failed ? ExitCode.toolError : ExitCode.ok;
}

export async function doctorChecks(target: string, flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [checkNodeVersion()];
  let config: CliConfig;
  try {
    config = loadConfig(flags, env);
    checks.push({ name: 'configuration', status: 'ok', detail: flags.config ?? env.MCP_HUB_CONFIG ?? 'defaults (no file)' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push(fail('configuration', error.message, 'correct the key named above, in the file, the environment variable or the flag it names'));
    checks.push(skip(target, 'the configuration does not load'));
    return checks;
  }
  if (target === 'start') {
    checks.push(checkDataDir(config.dataDir), await checkHttpPort(config));
    const ids = config.embedded.connectors ?? [...new Set([...builtInsToEmbed(config, env), ...pluginIds(config)])];
    for (const id of ids) checks.push(await checkConnector(id, config, true, env));
  } else if (target === 'hub') {
    checks.push(await checkHttpPort(config), ...(await checkHubSecurity(config)), await checkSessionStore(config), ...(await checkNats(config)));
  } else {
    checks.push(await checkConnector(target, config, false, env), checkSigningKey(target, config, env), ...(await checkNats(config)));
  }
  return checks;
}

const MARKS: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

function render(checks: DoctorCheck[]): string {
  const lines = checks.map((c) => `${MARKS[c.status]}  ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`);
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  lines.push(failed === 0 ? `all checks passed${warned ? ` (${warned} warnings)` : ''}` : `${failed} of ${checks.length} checks failed`);
  return `${lines.join('\n')}\n`;
}
