import { ENV } from '../config/resource-names';

/** What the ingest function reads beyond the common runtime config, once at cold start. */
export interface IngestConfig {
  /** Local world: write outbound mail here instead of sending it through SES. */
  outboxDir?: string;
  /** `host:port` of clamd, when a virus scanner is configured. */
  clamdAddress?: string;
  /** The SES configuration set user mail is sent with (the send function, in AWS). */
  sesConfigurationSet?: string;
}

export function loadIngestConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const outboxDir = env[ENV.outboxDir];
  const clamdAddress = env[ENV.clamdAddress];
  const sesConfigurationSet = env[ENV.sesConfigurationSet];
  return {
    ...(sesConfigurationSet && { sesConfigurationSet }),
    ...(outboxDir && { outboxDir }),
    ...(clamdAddress && { clamdAddress }),
  };
}
