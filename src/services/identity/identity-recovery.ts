import type { ServiceClient } from '../../http/service-client.js';
import type { RecoveryJob } from '../../system/recovery.js';
import type { IdentityService } from './identity-service.js';

/** `YYYY-MM-DD HH:MM:SS` (UTC), how identity stores creation times. */
const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const PAGE = 500;

const JOB = 'open-missing-accounts';

/**
 * Identity's share of the recovery pass: asks billing, a page of users at a time, to open the accounts
 * it does not have (users registered since the last pass that got through, a mark kept in identity's
 * store so that a restart does not scan every user again); when billing cannot be reached, the next
 * pass scans the same users again.
 */
export function identityRecovery(identity: IdentityService, http: ServiceClient): RecoveryJob[] {
  const openMissingAccounts: RecoveryJob = async ({ before, full, counts, traced }) => {
    const until = sqlTime(before);
    const scannedUntil = identity.scannedUntil(JOB);
    const from = full ? '' : scannedUntil;
    let after = { createdAt: from, id: '' };
    let seen = 0;
    for (;;) {
      const users = identity.usersCreatedBetween(from, until, PAGE, after);
      seen += users.length;
      if (users.length) {
        const opened = await traced('identity', async (note, trace) => {
          const answer = await http.call<{ opened: string[] }>(trace, 'billing', 'POST', '/accounts/open-missing', { userIds: users.map((u) => u.id) }).catch(() => undefined);
          if (answer?.status !== 200) return false;
          for (const userId of answer.body.opened) note(`account opened for user ${userId}`);
          counts.accountsOpened += answer.body.opened.length;
          return true;
        });
        if (!opened) return;
      }
      if (users.length < PAGE) break;
      after = users[users.length - 1];
    }
    // Written when the pass saw users (or never ran before): an empty range costs one index lookup either way.
    if (until > scannedUntil && (seen > 0 || !scannedUntil)) identity.markScanned(JOB, until);
  };
  return [openMissingAccounts];
}
