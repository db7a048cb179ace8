import { IoAdapter } from '@nestjs/platform-socket.io';

/**
 * Nest's Socket.IO adapter, less what an idle connection does not need. Client events are run by
 * ClientEventRouter, so no gateway has a @SubscribeMessage handler; Nest's adapter would still
 * build an rxjs stream of each connection's disconnect for them.
 */
export class SocketAdapter extends IoAdapter {
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    const [, handlers] = args;
    if (handlers.length > 0) super.bindMessageHandlers(...args);
  }
}
