import { Inject, Injectable } from '@nestjs/common';
import webpush from 'web-push';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { PushSender } from './push.ports.js';

/** How long a notification waits at the push service for a device that is offline: after that the class has started anyway. */
const TtlSeconds = 900;

/**
 * The `web-push` package signs (VAPID) and encrypts the payload for the device (aes128gcm,
 * RFC 8291) and gives the request; it is sent here with fetch, never following a redirect (the
 * endpoint's host was checked against PUSH_SERVICE_HOSTS, a redirect's would not be), and over
 * plain HTTP only where PUSH_ALLOW_HTTP let the endpoint in (web-push's own sender knows https only).
 */
@Injectable()
export class WebPushSender extends PushSender {
  constructor(@Inject(REPORT_CONFIG) private readonly config: Pick<ReportConfig, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'>) {
    super();
  }

  async send(subscription: { endpoint: string; keys: { p256dh: string; auth: string } }, payload: string): Promise<number> {
    const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = this.config;
    if (!publicKey || !privateKey) throw new Error('push is not configured (VAPID keys)');
    const req = webpush.generateRequestDetails(subscription, payload, {
      vapidDetails: { subject, publicKey, privateKey },
      TTL: TtlSeconds,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
    });
    const res = await fetch(req.endpoint, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.body ? new Uint8Array(req.body) : null,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  }
}
