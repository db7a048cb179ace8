import { Inject, Injectable } from '@nestjs/common';
import { INTEGRATION_CONFIG, type IntegrationConfig } from '../config.js';
import { AddressPolicy, type ResolvedAddress } from './ssrf-guard.js';
import { postPinned, type HttpAttempt, type HttpOutcome } from './webhook-http.js';

/** The network side of a delivery: the SSRF guard's check, then the POST to the address it checked. */
export abstract class WebhookTransport {
  /** Throws UrlRefusedError when the URL may not be called. */
  abstract resolve(url: string): Promise<ResolvedAddress>;
  abstract post(attempt: HttpAttempt): Promise<HttpOutcome>;
}

@Injectable()
export class PinnedHttpTransport extends WebhookTransport {
  private readonly policy: AddressPolicy;

  constructor(@Inject(INTEGRATION_CONFIG) config: IntegrationConfig) {
    super();
    this.policy = new AddressPolicy(config.WEBHOOK_ALLOWED_CIDRS);
  }

  resolve(url: string): Promise<ResolvedAddress> {
    return this.policy.resolve(url);
  }

  post(attempt: HttpAttempt): Promise<HttpOutcome> {
    return postPinned(attempt);
  }
}
