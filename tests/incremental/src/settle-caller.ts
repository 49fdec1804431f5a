import { request } from './settle-pending.js';

export const replies = new Map<string, string>();

export async function fetchReply(id: string): Promise<void> {
  const reply = await request(id);
  replies.set(id, reply);
}
