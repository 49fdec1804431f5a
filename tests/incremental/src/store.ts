export const sessions = new Map<string, number>();

export function touch(id: string): void {
  sessions.set(id, Date.now());
}
