// The console talks only to the native API (/api/v1): bearer token, JSON in and
// out, problem+json errors turned into ApiError with the server's detail.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TOKEN_KEY = 'quan.token';
const TENANT_KEY = 'quan.tenant';
let onUnauthenticated: () => void = () => {};

export const auth = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(t: string | null) {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
  },
  /** The tenant a platform admin acts in (X-Tenant). */
  get tenant() {
    return localStorage.getItem(TENANT_KEY);
  },
  set tenant(s: string | null) {
    if (s) localStorage.setItem(TENANT_KEY, s);
    else localStorage.removeItem(TENANT_KEY);
  },
  onExpired(fn: () => void) {
    onUnauthenticated = fn;
  },
};

export type Query = Record<string, string | number | boolean | undefined | null>;

export function qs(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', ...extra };
  if (auth.token) h.authorization = `Bearer ${auth.token}`;
  if (auth.tenant) h['x-tenant'] = auth.tenant;
  return h;
}

async function request<T>(method: string, path: string, body?: unknown, opts: { idempotencyKey?: string } = {}): Promise<T> {
  const h = headers(body === undefined ? {} : { 'content-type': 'application/json' });
  if (opts.idempotencyKey) h['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!res.ok) {
    const p = (data ?? {}) as Record<string, unknown>;
    if (res.status === 401 && path !== '/auth/login') onUnauthenticated();
    throw new ApiError(res.status, String(p.code ?? 'error'), String(p.detail ?? res.statusText), p);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, q?: Query) => request<T>('GET', path + qs(q)),
  post: <T>(path: string, body: unknown = {}, opts?: { idempotencyKey?: string }) => request<T>('POST', path, body, opts),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
  /** A file the API serves (CSV), downloaded with the session's token. */
  async download(path: string, filename: string) {
    const res = await fetch(`/api/v1${path}`, { headers: headers({ accept: 'text/csv' }) });
    if (!res.ok) {
      const p = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      throw new ApiError(res.status, String(p.code ?? 'error'), String(p.detail ?? res.statusText), p);
    }
    saveBlob(await res.blob(), filename);
  },
};

export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function newKey(): string {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

// ---- shapes of the native API used by the console ----
export type Role = 'platform_admin' | 'owner' | 'admin' | 'operator' | 'auditor' | 'seller';
export interface Tenant {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  approvalRequired: boolean;
  smsProvider: string;
  createdAt: string;
}
export interface Staff {
  id: number;
  username: string;
  role: Role;
  name: string | null;
  phone: string | null;
  storeIds: number[];
  departmentId: number | null;
  disabled: boolean;
  tenant: Tenant | null;
  createdAt: string;
}
export interface Page<T> {
  items: T[];
  total: number;
}
export interface Template {
  id: number;
  name: string;
  description: string | null;
  discount: { type: 'amount' | 'rate'; amount?: string; rate?: string; maxOff?: string | null };
  minSpend: string;
  minQuantity: number | null;
  scope: { type: 'all' | 'categories' | 'goods'; ids?: number[] };
  storeIds: number[];
  validity: { type: 'fixed' | 'relative'; from?: string; to?: string; days?: number; startAfterDays?: number };
  claimFrom: string | null;
  claimTo: string | null;
  stock: number | null;
  issued: number;
  left: number | null;
  perUserLimit: number | null;
  claimCostPoints: number;
  price: string;
  hasClaimPassword: boolean;
  requiredSignInDays: number;
  audience: { userType: string; sources: string[] };
  stackable: boolean;
  state: string;
  createdAt: string;
  updatedAt: string;
}
export interface TemplateStats {
  templateId: number;
  stock: number | null;
  issued: number;
  left: number | null;
  claimedByChannel: Record<string, number>;
  redeemed: number;
  rolledBack: number;
  discountGiven: string;
}
export interface Coupon {
  id: number;
  code: string;
  templateId: number;
  ownerId: number | null;
  source: string;
  batchId: number | null;
  status: string;
  validFrom: string | null;
  validTo: string | null;
  receivedAt: string | null;
  usedAt: string | null;
  redemptionId: number | null;
  createdAt: string;
}
export interface CouponEvent {
  kind: string;
  fromUser: number | null;
  toUser: number | null;
  staffId: number | null;
  storeId: number | null;
  redemptionId: number | null;
  details: Record<string, unknown> | null;
  createdAt: string;
}
export interface CouponDetail {
  coupon: Coupon;
  template: Template;
  history: CouponEvent[];
}
export interface Redemption {
  id: number;
  kind: string;
  orderRef: string | null;
  userId: number | null;
  storeId: number | null;
  staffId: number | null;
  subtotal: string;
  discountTotal: string;
  status: string;
  createdAt: string;
  rolledBackAt: string | null;
  items: { couponCode: string | null; promoCode: string | null; discount: string }[];
}
export interface Batch {
  id: number;
  templateId: number;
  state: string;
  generated: number;
  count: number;
  withPassword: boolean;
  passwordsExported: boolean;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
export type JobState = 'queued' | 'running' | 'done' | 'failed';
export interface Job {
  id: number;
  /** 0: platform-wide work. */
  tenantId: number;
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  runAt: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  singletonKey: string | null;
  createdAt: string;
  finishedAt: string | null;
}
export interface JobList extends Page<Job> {
  counts?: Record<JobState, number>;
  kinds?: string[];
}
export interface Store {
  id: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
  createdAt: string;
}
export interface User {
  id: number;
  mobile: string | null;
  username: string | null;
  email: string | null;
  nick: string | null;
  points: number;
  walletBalance: string;
  hasPurchased: boolean;
  disabled: boolean;
  createdAt: string;
}
export interface PromoCode {
  id: number;
  code: string;
  name: string;
  rule: {
    type: string;
    condition?: { amountAtLeast?: string | number | null; countAtLeast?: number | null };
    action: { discount?: string | number | null; discountAtMost?: string | number | null; amountOff?: string | number | null };
  };
  limitTimes: number | null;
  usedTimes: number;
  userUseLimit: number | null;
  userTypeLimit: string;
  validFrom: string;
  validTo: string;
  description: string | null;
  state: string;
  createdAt: string;
}
export interface AuditEntry {
  id: number;
  staffId: number | null;
  username: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown> | null;
  createdAt: string;
}
export interface Dashboard {
  from: string;
  to: string;
  timezone: string;
  days: { date: string; claims: number; redemptions: number; discount: string }[];
  totals: { claims: number; redemptions: number; discount: string };
  topTemplates: { templateId: number; name: string; claims: number; redemptions: number; discount: string }[];
  stock: { templateId: number; name: string; stock: number; issued: number; left: number }[];
}
export interface CardEvent {
  id: number;
  cardProductId: number;
  title: string;
  summary: string | null;
  /** 1 bonus money, 2 coupons, 5 both */
  type: number;
  rechargeMoney: string;
  sendMoney: string;
  couponTemplateId: number | null;
  couponTemplateName: string | null;
  quantity: number | null;
  /** 1 usable, 10 usable on an event card, 2 disabled */
  status: number;
  createdAt: string;
}
export interface CardProduct {
  id: number;
  title: string;
  /** 1 platform card, 10 stored-value card, 11 event card */
  type: number;
  colour: string | null;
  logo: string | null;
  storeIds: number[];
  summary: string | null;
  status: number;
  createdAt: string;
  stores: { id: number; name: string }[];
  events: CardEvent[];
}
export interface CardBucket {
  id: number;
  eventId: number;
  eventTitle: string | null;
  capitalInitial: string;
  bonusInitial: string;
  capital: string;
  bonus: string;
  /** 1 untouched, 2 partly spent, 3 cash-back due, 4 recharge refunded, 5 cashed back */
  status: number;
  cashedBackAt: string | null;
  createdAt: string;
}
export interface MemberCard {
  id: number;
  userId: number;
  cardProductId: number;
  cardNo: string;
  title: string;
  type: number;
  phone: string | null;
  nickname: string | null;
  capital: string;
  bonus: string;
  balance: string;
  charged: string;
  invoiced: string;
  invoiceable: string;
  storeId: number | null;
  storeName: string | null;
  createdAt: string;
  buckets?: CardBucket[];
}
export interface CardEntry {
  id: number;
  orderNo: string;
  /** recharge, expense, refund, recharge_refund, cash_back, invoice */
  kind: string;
  cardId: number;
  cardProductId: number;
  title: string;
  cardNo: string;
  userId: number;
  phone: string | null;
  nickname: string | null;
  amount: string;
  capitalDelta: string;
  bonusDelta: string;
  capitalAfter: string;
  bonusAfter: string;
  eventId: number | null;
  eventName: string | null;
  bucketId: number | null;
  refundOfOrderNo: string | null;
  refunded: boolean;
  storeId: number | null;
  storeName: string | null;
  staffId: number | null;
  explain: string | null;
  image: string | null;
  couponIds: number[];
  createdAt: string;
}
export interface Invoice {
  id: number;
  cardId: number;
  userId: number;
  amount: string;
  summary: string | null;
  image: string | null;
  storeId: number | null;
  storeName: string | null;
  phone: string | null;
  nickname: string | null;
  createdAt: string;
}
export interface Category {
  id: number;
  parentId: number | null;
  level: number;
  name: string;
  icon: string | null;
  sort: number;
  createdAt: string;
}
export interface Sku {
  id: number;
  propertyChildIds: string;
  propertyStr: string | null;
  price: string;
  originalPrice: string | null;
  stock: number;
}
export interface Goods {
  id: number;
  name: string;
  categoryId: number | null;
  storeId: number | null;
  pic: string | null;
  characteristic: string | null;
  content: string | null;
  price: string;
  originalPrice: string | null;
  stock: number;
  sold: number;
  recommend: boolean;
  onSale: boolean;
  sort: number;
  skus: Sku[];
  createdAt: string;
  updatedAt: string;
}
export interface OrderLine {
  id: number;
  goodsId: number;
  skuId: number | null;
  goodsName: string;
  propertyChildIds: string;
  unitPrice: string;
  number: number;
  amount: string;
  amountCoupon: string;
}
export interface Order {
  id: number;
  orderNumber: string;
  userId: number;
  /** -1 closed, 0 awaiting payment, 1 paid, 2 shipped, 3 received, 4 reviewed */
  status: number;
  statusText: string;
  storeId: number | null;
  goodsNumber: number;
  amountGoods: string;
  amountCoupon: string;
  amountDeduction: string;
  deductionScore: number;
  amountReal: string;
  couponIds: number[];
  redemptionId: number | null;
  hxAt: string | null;
  remark: string | null;
  paidAt: string | null;
  closedAt: string | null;
  createdAt: string;
  lines?: OrderLine[];
}
export interface Department {
  id: number;
  parentId: number | null;
  name: string;
  createdAt: string;
  children: Department[];
}
