/** A stream the progress line and the timing go to: stderr. */
export interface StatusStream {
  write(text: string): unknown;
}

/**
 * One line on stderr that says what is under way (files parsed, contexts walked), redrawn
 * in place at most every 80 ms and cleared at the end. Silent when `stream` is undefined
 * (not a TTY, or --quiet).
 */
export class Progress {
  #last = 0;
  #shown = false;

  constructor(private readonly stream: StatusStream | undefined) {}

  update(text: string, force = false): void {
    if (!this.stream) return;
    const now = Date.now();
    if (!force && now - this.#last < 80) return;
    this.#last = now;
    this.stream.write(`\r\u001b[2K${text}`);
    this.#shown = true;
  }

  clear(): void {
    if (this.stream && this.#shown) this.stream.write('\r\u001b[2K');
    this.#shown = false;
  }
}

/** Wall and CPU time per phase, for --timing. Phases do not nest. */
export class Timing {
  readonly phases: { name: string; wallMs: number; cpuMs: number }[] = [];

  /** What happened before the first phase: Node's startup and loading the modules (TypeScript among them). */
  startup(): void {
    const { user, system } = process.cpuUsage();
    this.phases.unshift({ name: 'startup (Node, TypeScript loaded)', wallMs: performance.now(), cpuMs: (user + system) / 1000 });
  }

  time<T>(name: string, run: () => T): T {
    const cpu = process.cpuUsage();
    const start = performance.now();
    try {
      return run();
    } finally {
      const { user, system } = process.cpuUsage(cpu);
      const wallMs = performance.now() - start;
      const cpuMs = (user + system) / 1000;
      // Phases of the same name (one per program) add up.
      const known = this.phases.find((phase) => phase.name === name);
      if (known) {
        known.wallMs += wallMs;
        known.cpuMs += cpuMs;
      } else this.phases.push({ name, wallMs, cpuMs });
    }
  }

  /** The phases, their share of the total, one per line. */
  format(): string {
    const total = this.phases.reduce((sum, phase) => sum + phase.wallMs, 0);
    const width = Math.max(...this.phases.map((phase) => phase.name.length), 5);
    const row = (name: string, wall: number, cpu: number) =>
      `  ${name.padEnd(width)}  ${wall.toFixed(0).padStart(7)} ms wall  ${cpu.toFixed(0).padStart(7)} ms CPU  ${total > 0 ? ((100 * wall) / total).toFixed(0).padStart(3) : '  0'}%`;
    const lines = this.phases.map((phase) => row(phase.name, phase.wallMs, phase.cpuMs));
    lines.push(row('total', total, this.phases.reduce((sum, phase) => sum + phase.cpuMs, 0)));
    return `map-race timing:\n${lines.join('\n')}\n`;
  }
}
