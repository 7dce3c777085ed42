import type { AwsCredentialSource } from "../aws/aws-credentials.ts";
import { rdsAuthToken } from "../aws/rds-auth-token.ts";
import type { PasswordSource } from "./password-source.ts";

export interface IamTokenSettings {
  host: string;
  port: number;
  user: string;
  region: string;
  credentials: AwsCredentialSource;
  now?: () => number;
}

/**
 * RDS IAM database authentication (DATABASE_AUTH=iam): each new connection logs in
 * with a token signed just now (valid 15 minutes, only needed at login), so there is
 * no password to store or rotate. A refused login drops the cached credentials.
 */
export function iamTokenPassword(settings: IamTokenSettings): PasswordSource {
  const now = settings.now ?? Date.now;
  return {
    async current() {
      const credentials = await settings.credentials.get();
      return rdsAuthToken({ host: settings.host, port: settings.port, user: settings.user, region: settings.region, credentials, now: new Date(now()) });
    },
    refresh() {
      settings.credentials.invalidate();
      return true;
    },
  };
}
