export const listeners: ((id: string) => void)[] = [];

export function onId(fn: (id: string) => void): void {
  listeners.push(fn);
}
