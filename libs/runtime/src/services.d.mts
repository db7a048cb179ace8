import type { ChildProcess } from 'node:child_process';
export const root: string;
export const ServiceNames: readonly ServiceName[];
export type ServiceName = 'identity-service' | 'session-service' | 'verification-service' | 'report-service' | 'integration-service' | 'gateway';
export interface ServiceHandle {
  name: ServiceName;
  env: Record<string, string>;
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Which copy this is when several run (its log is <name>-<instance>.log). */
  instance?: number | string;
  /** Where it answers /health/live, /health/ready and /metrics, once ready (undefined for the gateway: its own port). */
  opsPort?: number;
}
export interface RunningSystem {
  services: Record<ServiceName, ServiceHandle>;
  stop(): Promise<void>;
}
export function mainOf(name: ServiceName): string;
export function startService(
  name: ServiceName,
  env: Record<string, string>,
  opts?: { logDir?: string; onLine?: (name: string, parsed: unknown, raw: string) => void; nodeArgs?: string[]; instance?: number | string },
): ServiceHandle;
export function stopService(handle: ServiceHandle, signal?: NodeJS.Signals): Promise<void>;
export function restartService(handle: ServiceHandle): Promise<ServiceHandle>;
export function startSystem(
  env: Record<string, string>,
  opts?: { logDir?: string; onLine?: (name: string, parsed: unknown, raw: string) => void; nodeArgs?: string[]; envOf?: (name: ServiceName) => Record<string, string> },
): Promise<RunningSystem>;
