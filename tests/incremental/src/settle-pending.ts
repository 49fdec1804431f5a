// A request table: each request's resolver waits here for its reply.
export const pending = new Map<string, (reply: string) => void>();

export function request(id: string): Promise<string> {
  return new Promise<string>((resolve) => {
    pending.set(id, resolve);
  });
}
