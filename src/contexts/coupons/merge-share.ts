// Merging coupons into another one by a merge rule, and share links through
// which another user takes a coupon once. Every change is one conditional
// write (or a few inside one transaction), never a read followed by a write.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import type { Coupon } from './domain/coupon.ts';
import type { MergeCode, ShareCode } from './errors.ts';
import type { IssueService } from './issue.ts';
import type { CouponReader } from './coupons.ts';
import * as repo from './repo/merge-share.repo.ts';
import { moveSharedCoupon, voidIssuedIn } from './repo/coupons.repo.ts';

export type { MergeRule, NewMergeRule } from './repo/merge-share.repo.ts';

const shareDigest = (token: string) => crypto.createHash('sha256').update(`coupon-share:${token}`).digest('hex');

function checkRuleInput(input: repo.NewMergeRule): Result<void, 'invalid_input'> {
  if (!input.name || input.name.length > 100) return fail(ErrorCode.invalid_input, 'name is 1-100 characters');
  if (!input.items.length) return fail(ErrorCode.invalid_input, 'a merge rule needs at least one item');
  return ok(undefined);
}

/** Whether the handed-in coupons are exactly what the rule takes, template by template. */
function matchesRule(rule: repo.MergeRule, taken: Array<{ templateId: number }>): Result<void, 'coupon_not_eligible'> {
  const count = new Map<number, number>();
  for (const c of taken) count.set(c.templateId, (count.get(c.templateId) ?? 0) + 1);
  if (count.size === rule.items.length && rule.items.every((i) => count.get(i.templateId) === i.number)) return ok(undefined);
  const need = rule.items.map((i) => `${i.number} × ${i.name}`).join(', ');
  return fail(ErrorCode.coupon_not_eligible, `this merge takes exactly: ${need}`);
}

export function mergeShareService(deps: Deps, { issuing, reader }: { issuing: IssueService; reader: CouponReader }) {
  const now = () => deps.now?.() ?? new Date();
  const mergeRules = (tenantId: number): Promise<repo.MergeRule[]> => repo.activeMergeRules(deps.db, tenantId);

  async function createMergeRule(
    tenantId: number,
    input: repo.NewMergeRule,
    by: Principal | null = null,
  ): Promise<Result<repo.MergeRule, 'invalid_input' | 'not_found'>> {
    const checked = checkRuleInput(input);
    if (!checked.ok) return checked;
    // Templates never change tenant: a check before the insert holds.
    if ((await repo.countTemplates(deps.db, tenantId, [input.targetTemplateId])) !== 1)
      return fail(ErrorCode.not_found, 'the target template does not exist in this tenant', { field: 'targetTemplateId' });
    const ids = input.items.map((i) => i.templateId);
    if ((await repo.countTemplates(deps.db, tenantId, ids)) !== new Set(ids).size)
      return fail(ErrorCode.not_found, 'a template of this rule does not exist in this tenant', { field: 'items[].templateId' });
    for (const i of input.items)
      if (!Number.isInteger(i.number) || i.number < 1 || i.number > 100) return fail(ErrorCode.invalid_input, 'number is 1-100');
    const id = await deps.db.tx(async (q) => {
      const ruleId = await repo.insertMergeRule(q, tenantId, input);
      if (by)
        await audit(q, tenantId, by, {
          action: 'coupon_merge_rule.create',
          targetType: 'coupon_merge_rule',
          targetId: ruleId,
          details: input,
        });
      return ruleId;
    });
    return ok((await mergeRules(tenantId)).find((m) => m.id === id)!);
  }

  async function setMergeRuleActive(
    tenantId: number,
    id: number,
    active: boolean,
    by: Principal | null = null,
  ): Promise<Result<void, 'not_found'>> {
    return deps.db.txResult(async (q) => {
      if (!(await repo.setMergeRuleActive(q, tenantId, id, active))) return fail(ErrorCode.not_found, 'merge rule not found');
      if (by)
        await audit(q, tenantId, by, {
          action: active ? 'coupon_merge_rule.activate' : 'coupon_merge_rule.deactivate',
          targetType: 'coupon_merge_rule',
          targetId: id,
        });
      return ok(undefined);
    });
  }

  /** The handed-in coupons are voided (still the user's, issued and in date), then the target is issued. */
  async function mergeIn(
    q: Queryable,
    tenantId: number,
    userId: number,
    rule: repo.MergeRule,
    ids: number[],
  ): Promise<Result<Coupon, MergeCode>> {
    const taken = await voidIssuedIn(q, tenantId, ids, { kind: 'merged', mergeId: rule.id, ownerId: userId, at: now() });
    if (taken.length !== ids.length) return fail(ErrorCode.coupon_not_eligible, 'some of these coupons are not yours or not usable');
    const matches = matchesRule(rule, taken);
    if (!matches.ok) return matches;
    const r = await issuing.issue(q, tenantId, rule.target.templateId, userId, 1, 'issue', null);
    return r.ok ? ok(r.value[0]!) : r;
  }

  /**
   * Hands in exactly the coupons a merge rule asks for and gets one coupon of
   * its target, in one transaction.
   */
  async function merge(tenantId: number, userId: number, mergeId: number, couponIds: number[]): Promise<Result<Coupon, MergeCode>> {
    const rule = (await mergeRules(tenantId)).find((m) => m.id === mergeId);
    if (!rule) return fail(ErrorCode.not_found, 'merge rule not found');
    const ids = [...new Set(couponIds)];
    return deps.db.txResult((q) => mergeIn(q, tenantId, userId, rule, ids));
  }

  /** Opens a share link for one of the user's usable coupons; an earlier open one is replaced. */
  async function shareOpen(tenantId: number, userId: number, couponId: number): Promise<Result<{ shareToken: string }, ShareCode>> {
    const c = await reader.own(tenantId, userId, couponId);
    if (!c) return fail(ErrorCode.not_found, 'coupon not found');
    if (c.status !== 'usable' && c.status !== 'not_yet_valid')
      return fail(ErrorCode.coupon_not_eligible, `a ${c.status} coupon cannot be shared`);
    const token = crypto.randomBytes(16).toString('base64url');
    await deps.db.tx((q) => repo.openShare(q, tenantId, { couponId, userId, tokenHash: shareDigest(token) }));
    return ok({ shareToken: token });
  }

  async function shareClose(tenantId: number, userId: number, couponId: number): Promise<Result<void, 'not_found'>> {
    return (await repo.closeShare(deps.db, tenantId, userId, couponId))
      ? ok(undefined)
      : fail(ErrorCode.not_found, 'no open share for this coupon');
  }

  /** Another user takes a shared coupon, once: the share closes and ownership moves in one transaction. */
  async function shareFetch(tenantId: number, userId: number, couponId: number, shareToken: string): Promise<Result<Coupon, ShareCode>> {
    const at = now();
    return deps.db.txResult(async (q) => {
      const from = await repo.takeShare(q, tenantId, { couponId, tokenHash: shareDigest(shareToken), userId }, at);
      if (from === null) return fail(ErrorCode.not_found, 'this share does not exist, was closed or was already taken');
      const moved = await moveSharedCoupon(q, tenantId, { couponId, from, to: userId }, at);
      return moved ? ok(moved) : fail(ErrorCode.coupon_not_eligible, 'the shared coupon is no longer available');
    });
  }

  return { mergeRules, createMergeRule, setMergeRuleActive, merge, shareOpen, shareClose, shareFetch };
}
