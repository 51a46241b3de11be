// session.ts - one learner's sandbox: their containers (one per lesson, playgrounds), terminals and panel watches, with quotas.
import fs from 'node:fs';
import { LIMITS, type Failure, type PanelName } from '../../app/lib/protocol.ts';
import type { Container, CreateOptions } from '../engine/container.ts';
import { UserError } from '../engine/errors.ts';
import { Terminal, type TerminalSink } from '../terminals/terminal.ts';
import type { Emit, LabDeps, PanelWatch, ProgressStore } from './deps.ts';

/** One socket of this learner, as the session sees it. */
export interface Client { readonly id: string; emit: Emit }

export interface Held {
  container: Container;
  kind: 'lesson' | 'playground';
  lessonId?: string;
  terminals: Set<string>;
  lastUsed: number;
}

export interface TerminalEntry { terminal: Terminal; containerId: string; sinks: Map<string, TerminalSink> }

/** What every session shares: the modules, the store, the server-wide container count. */
export interface Lab {
  deps: LabDeps;
  store: ProgressStore | null;
  lessonsDir?: string;
  maxContainersPerLearner: number;
  maxContainers: number;
  liveContainers(): number;
  Container: typeof Container;
  log(line: string): void;
}

export const fail = (message: string, hint?: string): Failure => (hint ? { ok: false, message, hint } : { ok: false, message });

export class LearnerSession {
  readonly containers = new Map<string, Held>();
  readonly terminals = new Map<string, TerminalEntry>();
  readonly clients = new Map<string, Client>();
  private readonly watches = new Map<string, Map<string, PanelWatch>>(); // client id → container id → watch
  private queue: Promise<unknown> = Promise.resolve();
  /** Called after a command is typed in a lesson container's terminal (the lesson checks re-run, debounced). */
  onCommand: (held: Held) => void = () => {};
  disposed = false;
  private readonly progress = new Map<string, Set<string>>();

  constructor(readonly learnerId: string, readonly lab: Lab) {}

  /** Container creation one at a time per learner, so that two quick clicks cannot exceed the quota. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Steps passed in this session (the store keeps them across restarts; this covers a server without one). */
  memoryProgress(lessonId: string): Set<string> {
    let set = this.progress.get(lessonId);
    if (!set) this.progress.set(lessonId, (set = new Set()));
    return set;
  }

  emitAll: Emit = (event, msg) => { for (const c of this.clients.values()) c.emit(event, msg); };

  owned(containerId: string): Held | Failure {
    const held = this.containers.get(containerId);
    // The same answer for "not yours" and "no such container": ids of other learners are not confirmed.
    return held ?? fail('no such container', 'open the lesson or create a playground container again');
  }

  /** Create and start a container for this learner within the quotas; its stdio is /dev/null (the server's is not theirs). */
  async createContainer(opts: CreateOptions, kind: Held['kind'], lessonId?: string): Promise<Held> {
    if (this.disposed) throw new UserError('the session has ended', 'reload the page');
    if (this.containers.size >= this.lab.maxContainersPerLearner) {
      throw new UserError(`at most ${this.lab.maxContainersPerLearner} containers per learner`, 'delete a playground container first');
    }
    if (this.lab.liveContainers() >= this.lab.maxContainers) throw new UserError('the server is full (too many containers)', 'try again later, or ask the instructor');
    const fds = [fs.openSync('/dev/null', 'r'), fs.openSync('/dev/null', 'w'), fs.openSync('/dev/null', 'w')] as [number, number, number];
    let container: Container;
    try {
      container = await this.lab.Container.create({ ...opts, stdio: fds, allowHostBinds: false, startNow: true });
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
    const held: Held = { container, kind, lessonId, terminals: new Set(), lastUsed: Date.now() };
    this.containers.set(container.id, held);
    try {
      if (container.status === 'created') await container.start(); // created and started in one step unless on the lab network
    } catch (e) {
      this.containers.delete(container.id);
      await container.delete().catch(() => {});
      throw e;
    }
    if (this.disposed) { await this.removeContainer(container.id, 'the session has ended'); throw new UserError('the session has ended'); }
    // The main process ended (or was killed): the container is gone for the learner too.
    void container.wait().then(() => {
      if (this.containers.get(container.id) === held) void this.removeContainer(container.id, 'the container stopped');
    });
    return held;
  }

  /** Dispose the terminals and watches of a container, then delete it (all of its processes, mounts, cgroup). */
  async removeContainer(containerId: string, reason: string): Promise<void> {
    const held = this.containers.get(containerId);
    if (!held) return;
    this.containers.delete(containerId);
    for (const tid of held.terminals) this.closeTerminal(tid);
    for (const perClient of this.watches.values()) {
      perClient.get(containerId)?.dispose();
      perClient.delete(containerId);
    }
    this.emitAll('container:gone', { containerId, reason });
    try {
      await held.container.delete();
    } catch (e) {
      this.lab.log(`deleting container ${containerId}: ${(e as Error).message}`);
    }
  }

  // ---- terminals ------------------------------------------------------------------------------

  /** A terminal of one of this learner's containers for this client: re-attached by id, else the one the server
   *  started ahead of the page (prewarm) and no one has claimed yet, else a new shell. */
  async openTerminal(client: Client, containerId: string, terminalId: string | undefined, cols: number, rows: number, makeSink: (terminalId: string) => TerminalSink) {
    const held = this.owned(containerId);
    if ('ok' in held) return held;
    held.lastUsed = Date.now();
    let entry: TerminalEntry | undefined;
    if (terminalId) {
      entry = this.terminals.get(terminalId);
      if (!entry || entry.containerId !== containerId) return fail('that terminal has ended', 'open a new terminal');
    } else {
      entry = [...held.terminals].map((id) => this.terminals.get(id)).find((e) => e && !e.terminal.claimed);
    }
    if (!entry) {
      if (held.terminals.size >= LIMITS.terminalsPerContainer) {
        return fail(`at most ${LIMITS.terminalsPerContainer} terminals per container`, 'close a terminal first');
      }
      entry = this.startTerminal(held, cols, rows);
    }
    // One viewer at a time: a re-attach (a new socket after a refresh) takes the stream over.
    for (const [cid, old] of entry.sinks) { entry.terminal.detach(old); entry.sinks.delete(cid); }
    entry.terminal.resize(cols, rows);
    const id = entry.terminal.id;
    const sink = makeSink(id);
    const replay = await entry.terminal.attach(sink);
    entry.sinks.set(client.id, sink);
    return { ok: true as const, terminalId: id, replay };
  }

  /** A new shell in the container, detached: its output goes to the screen mirror until someone attaches. */
  startTerminal(held: Held, cols: number, rows: number): TerminalEntry {
    const terminal = new Terminal(held.container, {
      cols, rows,
      onCommand: () => this.onCommand(held),
      onExit: () => { this.terminals.delete(terminal.id); held.terminals.delete(terminal.id); },
    });
    const entry: TerminalEntry = { terminal, containerId: held.container.id, sinks: new Map() };
    this.terminals.set(terminal.id, entry);
    held.terminals.add(terminal.id);
    return entry;
  }

  terminal(terminalId: string): Terminal | Failure {
    return this.terminals.get(terminalId)?.terminal ?? fail('no such terminal', 'open a new terminal');
  }

  closeTerminal(terminalId: string): void {
    const entry = this.terminals.get(terminalId);
    if (!entry) return;
    this.terminals.delete(terminalId);
    this.containers.get(entry.containerId)?.terminals.delete(terminalId);
    entry.terminal.dispose();
  }

  // ---- panels ---------------------------------------------------------------------------------

  watchStart(client: Client, containerId: string, panels: PanelName[]): Failure | null {
    const held = this.owned(containerId);
    if ('ok' in held) return held;
    if (!this.lab.deps.watchers) return fail('live panels are not available on this server', this.lab.deps.missing.join('; '));
    let perClient = this.watches.get(client.id);
    if (!perClient) this.watches.set(client.id, (perClient = new Map()));
    perClient.get(containerId)?.dispose();
    perClient.set(containerId, this.lab.deps.watchers.watchPanels(held.container, panels, client.emit));
    return null;
  }

  watchStop(client: Client, containerId: string): void {
    const perClient = this.watches.get(client.id);
    perClient?.get(containerId)?.dispose();
    perClient?.delete(containerId);
  }

  // ---- clients --------------------------------------------------------------------------------

  addClient(client: Client): void { this.clients.set(client.id, client); }

  /** A socket went away: its watches stop; its terminals keep running (detached) for a re-attach. */
  removeClient(client: Client): void {
    this.clients.delete(client.id);
    for (const w of this.watches.get(client.id)?.values() ?? []) w.dispose();
    this.watches.delete(client.id);
    for (const entry of this.terminals.values()) {
      const sink = entry.sinks.get(client.id);
      if (sink) { entry.terminal.detach(sink); entry.sinks.delete(client.id); }
    }
  }

  /** Everything of this learner goes: terminals, watches, containers. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const perClient of this.watches.values()) for (const w of perClient.values()) w.dispose();
    this.watches.clear();
    await this.queue.catch(() => {});
    await Promise.all([...this.containers.keys()].map((id) => this.removeContainer(id, 'the session ended')));
  }
}
