import { getJson, getText } from './client.js';
import type { CheckpointSummary, LogEntry, Witness } from './types.js';

export const getCheckpointNote = (): Promise<string> => getText('/log/checkpoint');
export const getLogVerifierKey = async (): Promise<string> => (await getText('/log/vkey')).trim();
export const getCheckpoints = (limit = 200): Promise<CheckpointSummary[]> =>
  getJson<CheckpointSummary[]>(`/api/v1/log/checkpoints?limit=${limit}`);
export const getWitnesses = (): Promise<Witness[]> => getJson<Witness[]>('/api/v1/log/witnesses');
export const getLogEntry = (index: number): Promise<LogEntry> =>
  getJson<LogEntry>(`/api/v1/log/entries/${index}`);
export const getReceipt = (index: number): Promise<string> => getText(`/api/v1/log/entries/${index}/receipt`);
