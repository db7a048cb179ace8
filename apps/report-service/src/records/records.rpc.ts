import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Rpc } from '@classconnect/contracts';
import { RpcServer } from '@classconnect/messaging';
import { MyRecordsService } from './my-records.service.js';

@Injectable()
export class RecordsRpc implements OnApplicationBootstrap {
  constructor(
    @Inject(RpcServer) private readonly rpc: RpcServer,
    @Inject(MyRecordsService) private readonly records: MyRecordsService,
  ) {}

  onApplicationBootstrap(): void {
    this.rpc.handle(Rpc.reportMyRecords, ({ actor }) => this.records.records(actor));
  }
}
