// What a user can still claim, one template as the consumer sees it, and
// fetching (claiming) by template id or by 口令 alone (a guess of any
// template's password: compared only with a try reserved for the user).
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import { guessLimiter, tooManyTries } from '../platform/index.ts';
import { audienceMismatch, isNewUser } from './domain/claim-rules.ts';
import { claimPasswordDigest, type Template } from './domain/template.ts';
import type { ClaimCode } from './errors.ts';
import { claimPasswordLimits, type ClaimOutcome, type ClaimService } from './claim.ts';
import { claimableTemplates, loadTemplate, passwordTemplates } from './repo/templates.repo.ts';
import { audienceFacts } from './repo/coupons.repo.ts';

export function claimableService(deps: Deps, { claim }: Pick<ClaimService, 'claim'>) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);

  /** The active template whose password `pwd` is, under the user's limit of wrong claim passwords. */
  async function templateOfPassword(tenantId: number, userId: number, pwd: string): Promise<Result<number, 'not_found' | 'rate_limited'>> {
    const g = await guesses.reserve([claimPasswordLimits.user(tenantId, userId)]);
    if (!g.allowed) return tooManyTries('wrong claim passwords', g.retryAfterSec);
    const t = (await passwordTemplates(deps.db, tenantId)).find((x) => claimPasswordDigest(x.id, pwd) === x.claimPasswordHash);
    await (t ? g.right() : g.wrong());
    return t ? ok(t.id) : fail(ErrorCode.not_found, 'no coupon has this password');
  }

  /**
   * Active templates whose claim window is open and stock not gone; with a
   * user, only those the user may still fetch: per-person limit not reached,
   * and an audience (new users, users who have not bought, sources) that
   * includes the user, by the claim's own rule (domain/claim-rules).
   */
  async function available(tenantId: number, userId: number | null, f: { ids?: number[]; refId?: number } = {}): Promise<Template[]> {
    const at = now();
    const templates = await claimableTemplates(deps.db, tenantId, at, userId, f);
    const forAll = (t: Template) => t.audience.userType === 'any' && !t.audience.sources.length;
    if (userId === null || templates.every(forAll)) return templates;
    const row = await audienceFacts(deps.db, tenantId, userId);
    if (!row) return templates.filter(forAll);
    const user = { isNew: isNewUser(row.createdAt, at), hasPurchased: row.hasPurchased, source: row.source };
    return templates.filter((t) => audienceMismatch(t.audience, user) === null);
  }

  const template = (tenantId: number, id: number): Promise<Template | null> => loadTemplate(deps.db, tenantId, id);

  /**
   * Fetches a coupon by template id (password when it has one) or by 口令
   * alone (the active template whose password it is). A template whose fixed
   * validity is over answers coupon_expired.
   */
  async function fetch(
    tenantId: number,
    userId: number,
    input: { id?: number; pwd?: string; detect?: boolean },
  ): Promise<Result<ClaimOutcome, ClaimCode>> {
    let templateId = input.id;
    if (templateId === undefined) {
      if (!input.pwd) return fail(ErrorCode.invalid_input, 'give the coupon id or its password');
      const found = await templateOfPassword(tenantId, userId, input.pwd);
      if (!found.ok) return found;
      templateId = found.value;
    }
    const t = await template(tenantId, templateId);
    if (!t) return fail(ErrorCode.not_found, 'coupon not found');
    if (t.validity.type === 'fixed' && t.validity.to.getTime() < now().getTime() && t.state === 'active') {
      return fail(ErrorCode.coupon_expired, 'this coupon has expired');
    }
    return claim(tenantId, templateId, userId, { password: input.pwd ?? null, detect: input.detect });
  }

  return { available, template, fetch };
}
