// A small base class for objects that own subscriptions: register them once, dispose them together.
import type * as vscode from 'vscode';

export interface DisposableLike {
  dispose(): unknown;
}

export class Disposable implements vscode.Disposable {
  private readonly owned: DisposableLike[] = [];
  private disposed = false;

  /** Takes ownership of `items`; they are disposed with this object, newest first. */
  protected register<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.owned.splice(0).reverse()) {
      try {
        item.dispose();
      } catch {
        // One failing disposer must not keep the others alive.
      }
    }
  }
}

/** Wraps a plain cleanup function as a disposable. */
export function toDisposable(cleanup: () => void): DisposableLike {
  return { dispose: cleanup };
}
