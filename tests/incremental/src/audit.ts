export const audits = new Map<string, number>();

export function audit(id: string): void {
  audits.set(id, Date.now());
}
