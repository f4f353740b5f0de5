// The card movements that need a form: recharge (with or without an event),
// spend with the card password, refund of an expense or a recharge behind the
// SMS code sent to the staff member. Opened from the card drawer (Cards.tsx).
import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Radio, Select, Space } from 'antd';
import { api, newKey, type CardEntry, type CardEvent, type MemberCard } from '../api.ts';
import { errorText, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { cardNoText, MoneyInput, useConfirm } from '../components.tsx';

export const money2 = (n: number | null | undefined) => (n ?? 0).toFixed(2);

export interface ModalProps {
  card: MemberCard;
  storeId?: number;
  onClose: () => void;
  onDone: () => Promise<void>;
}

export function RechargeModal({ card, events, storeId, onClose, onDone }: ModalProps & { events: CardEvent[] }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const confirm = useConfirm();
  const [form] = Form.useForm<{ mode: 'custom' | 'event'; eventId?: number; recharge?: number; send?: number }>();
  const mode = Form.useWatch('mode', form);
  const usable = events.filter((e) => e.status === 1 || e.status === 10);
  const eventText = (e: CardEvent) =>
    `${e.title} · ${t('card.eventRule', { r: fmt.money(e.rechargeMoney), s: fmt.money(e.sendMoney) })}${e.couponTemplateName ? ` · ${t('card.eventCoupons', { n: e.quantity ?? 0, name: e.couponTemplateName })}` : ''}`;
  return (
    <Modal
      open
      title={`${t('card.recharge')} · ${card.cardNo}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('next')}
      cancelText={t('cancel')}
      destroyOnHidden
    >
      <Form
        name="recharge"
        form={form}
        layout="vertical"
        initialValues={{ mode: 'custom', send: 0 }}
        onFinish={(v) => {
          const ev = v.mode === 'event' ? usable.find((e) => e.id === v.eventId) : undefined;
          const recharge = ev ? ev.rechargeMoney : money2(v.recharge);
          const send = ev ? ev.sendMoney : money2(v.send);
          let content = t('card.rechargeConfirm', { amount: fmt.money(recharge), no: cardNoText(card.cardNo), bonus: fmt.money(send) });
          if (ev?.couponTemplateName) content += ' ' + t('card.rechargeCoupons', { n: ev.quantity ?? 0, name: ev.couponTemplateName });
          content +=
            ' ' + t('card.balanceAfter', { amount: fmt.money((Number(card.balance) + Number(recharge) + Number(send)).toFixed(2)) });
          confirm({
            title: t('card.recharge'),
            content,
            okText: t('card.recharge'),
            success: t('card.recharged'),
            run: async () => {
              await api.post(`/cards/${card.id}/recharge`, { recharge, send, eventId: ev?.id, storeId }, { idempotencyKey: newKey() });
              onClose();
              await onDone();
            },
          });
        }}
      >
        <Form.Item name="mode">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'custom', label: t('card.customAmount') },
              { value: 'event', label: t('card.byEvent'), disabled: !usable.length },
            ]}
          />
        </Form.Item>
        {mode === 'event' ? (
          <Form.Item name="eventId" label={t('card.event')} rules={[{ required: true, message: t('required') }]}>
            <Select options={usable.map((e) => ({ value: e.id, label: eventText(e) }))} data-testid="recharge-event" />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="recharge"
              label={t('card.rechargeAmount')}
              rules={[
                { required: true, message: t('required') },
                { type: 'number', min: 0.01, message: t('v.amountPositive') },
              ]}
            >
              <MoneyInput data-testid="recharge-amount" />
            </Form.Item>
            <Form.Item name="send" label={t('card.bonusAmount')}>
              <MoneyInput data-testid="recharge-bonus" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

export function SpendModal({ card, storeId, onClose, onDone }: ModalProps) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const confirm = useConfirm();
  const [form] = Form.useForm<{ amount: number; password: string }>();
  return (
    <Modal
      open
      title={`${t('card.spend')} · ${card.cardNo}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('next')}
      cancelText={t('cancel')}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('card.balanceNow', { amount: fmt.money(card.balance) })} style={{ marginBottom: 16 }} />
      <Form
        name="spend"
        form={form}
        layout="vertical"
        onFinish={(v) => {
          const amount = money2(v.amount);
          confirm({
            title: t('card.spend'),
            content: t('card.spendConfirm', {
              amount: fmt.money(amount),
              no: cardNoText(card.cardNo),
              after: fmt.money((Number(card.balance) - Number(amount)).toFixed(2)),
            }),
            okText: t('card.spend'),
            success: t('card.spent'),
            run: async () => {
              await api.post(`/cards/${card.id}/expense`, { amount, password: v.password, storeId }, { idempotencyKey: newKey() });
              onClose();
              await onDone();
            },
          });
        }}
      >
        <Form.Item
          name="amount"
          label={t('card.spendAmount')}
          rules={[
            { required: true, message: t('required') },
            { type: 'number', min: 0.01, message: t('v.amountPositive') },
            { type: 'number', max: Number(card.balance), message: t('card.overBalance') },
          ]}
        >
          <MoneyInput data-testid="spend-amount" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('card.password')}
          extra={t('card.passwordAsk')}
          rules={[{ required: true, message: t('required') }]}
        >
          <Input.Password autoComplete="off" maxLength={64} data-testid="spend-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function RefundModal({ card, entry, storeId, onClose, onDone }: ModalProps & { entry: CardEntry }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const { message } = AntApp.useApp();
  const confirm = useConfirm();
  const [form] = Form.useForm<{ code: string; explain?: string }>();
  const [sent, setSent] = useState<{ to: string; until: number } | null>(null);
  const [sending, setSending] = useState(false);
  const [, tick] = useState(0);
  const isRecharge = entry.kind === 'recharge';
  useEffect(() => {
    const h = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(h);
  }, []);
  const wait = sent ? Math.max(0, Math.ceil((sent.until - Date.now()) / 1000)) : 0;
  const what = isRecharge
    ? t('card.refundRechargeConfirm', {
        order: entry.orderNo,
        amount: fmt.money(entry.capitalDelta),
        bonus: fmt.money(entry.bonusDelta),
        no: cardNoText(card.cardNo),
      })
    : t('card.refundExpenseConfirm', { order: entry.orderNo, amount: fmt.money(entry.amount), no: cardNoText(card.cardNo) });
  return (
    <Modal
      open
      title={`${t('card.refund')} · ${entry.orderNo}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('next')}
      cancelText={t('cancel')}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={what} style={{ marginBottom: 16 }} />
      <Form
        name="refund"
        form={form}
        layout="vertical"
        onFinish={(v) =>
          confirm({
            title: t('card.refund'),
            content: what,
            danger: true,
            okText: t('card.refund'),
            success: t('card.refundDone'),
            run: async () => {
              await api.post(
                `/${isRecharge ? 'card-recharges' : 'card-expenses'}/${entry.orderNo}/refund`,
                { code: v.code.trim(), explain: v.explain || undefined, storeId },
                { idempotencyKey: newKey() },
              );
              onClose();
              await onDone();
            },
          })
        }
      >
        <Form.Item label={t('card.smsCode')} required extra={sent ? t('card.codeSent', { to: sent.to }) : t('card.codeHint')}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="code" noStyle rules={[{ required: true, message: t('required') }]}>
              <Input maxLength={10} data-testid="refund-code" />
            </Form.Item>
            <Button
              loading={sending}
              disabled={wait > 0}
              data-testid="refund-send-code"
              onClick={async () => {
                setSending(true);
                try {
                  const r = await api.post<{ expiresInSec: number; to: string }>('/cards/refund-code');
                  setSent({ to: r.to, until: Date.now() + 60_000 });
                } catch (e) {
                  message.error(errorText(t, e));
                } finally {
                  setSending(false);
                }
              }}
            >
              {wait > 0 ? t('card.resendIn', { s: wait }) : t('card.sendCode')}
            </Button>
          </Space.Compact>
        </Form.Item>
        <Form.Item name="explain" label={t('card.refundReason')}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Every card movement of the merchant, with totals. */
