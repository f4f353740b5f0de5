// Use-cases of what a shop shows: banners, notices and config values. Staff
// manage them through the native API; consumers read them through apifm.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  isConfigKey,
  MAX_CONFIG_VALUE,
  type Banner,
  type BannerInput,
  type ConfigValue,
  type Notice,
  type NoticeInput,
} from './domain/content.ts';
import * as repo from './repo/content.repo.ts';
import { missingIds } from './repo/refs.repo.ts';

export function contentUseCases(deps: Deps) {
  return {
    // ------------------------------------------------------------ banners
    async addBanner(tenantId: number, input: BannerInput, by: Principal): Promise<Result<Banner, 'invalid_input'>> {
      if (!input.picUrl?.trim()) return fail(ErrorCode.invalid_input, 'picUrl is required', { field: 'picUrl' });
      return deps.db.txResult(async (q) => {
        // The business a banner opens is one of the tenant's goods; another tenant's id is refused like an unknown one.
        if (input.businessId != null && (await missingIds(q, 'goods', tenantId, [input.businessId])).length) {
          return fail(ErrorCode.invalid_input, `businessId: no goods ${input.businessId} in this tenant`, { field: 'businessId' });
        }
        const b = await repo.insertBanner(q, tenantId, input);
        await audit(q, tenantId, by, { action: 'banner.create', targetType: 'banner', targetId: b.id });
        return ok(b);
      });
    },

    banners: (tenantId: number, f: { type?: string | null; enabledOnly?: boolean }): Promise<Banner[]> =>
      repo.listBanners(deps.db, tenantId, f),

    async removeBanner(tenantId: number, id: number, by: Principal): Promise<Result<void, 'not_found'>> {
      return deps.db.txResult(async (q) => {
        if (!(await repo.deleteBanner(q, tenantId, id))) return fail(ErrorCode.not_found, 'banner not found');
        await audit(q, tenantId, by, { action: 'banner.delete', targetType: 'banner', targetId: id });
        return ok(undefined);
      });
    },

    // ------------------------------------------------------------ notices
    async addNotice(tenantId: number, input: NoticeInput, by: Principal): Promise<Result<Notice, 'invalid_input'>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required', { field: 'title' });
      return deps.db.txResult(async (q) => {
        const n = await repo.insertNotice(q, tenantId, input);
        await audit(q, tenantId, by, { action: 'notice.create', targetType: 'notice', targetId: n.id });
        return ok(n);
      });
    },

    notices: (
      tenantId: number,
      f: { type?: string | null; enabledOnly?: boolean; limit: number; offset: number },
    ): Promise<{ items: Notice[]; total: number }> => repo.listNotices(deps.db, tenantId, f),

    /** One enabled notice. */
    notice: (tenantId: number, id: number): Promise<Notice | null> => repo.findNotice(deps.db, tenantId, id),

    // ------------------------------------------------------------ config values
    async setConfig(
      tenantId: number,
      key: string,
      value: string,
      remark: string | null,
      by: Principal,
    ): Promise<Result<ConfigValue, 'invalid_input'>> {
      if (!isConfigKey(key)) return fail(ErrorCode.invalid_input, 'key: 1-100 letters, digits, _ . -', { field: 'key' });
      if (value.length > MAX_CONFIG_VALUE)
        return fail(ErrorCode.invalid_input, `value: at most ${MAX_CONFIG_VALUE} characters`, { field: 'value' });
      return deps.db.txResult(async (q) => {
        const c = await repo.upsertConfig(q, tenantId, key, value, remark);
        await audit(q, tenantId, by, { action: 'config.set', targetType: 'config', targetId: key });
        return ok(c);
      });
    },

    configValues: (tenantId: number, keys: string[] | null): Promise<ConfigValue[]> => repo.listConfig(deps.db, tenantId, keys),
  };
}
