/**
 * Runs async jobs one at a time while the caller prepares the next one: `submit` waits for the previous job, then
 * starts this one without waiting for it. A bulk writer uses it to overlap building batch N+1 with the database
 * writing batch N. A failed job surfaces at the next `submit` or at `drain`, never as an unhandled rejection.
 */
export class OneInFlight {
  private pending: Promise<void> | null = null;

  async submit(job: () => Promise<void>): Promise<void> {
    if (this.pending) await this.pending;
    const p = job();
    p.catch(() => {});
    this.pending = p;
  }

  /** Waits for the job in flight; throws its error. */
  async drain(): Promise<void> {
    if (this.pending) await this.pending;
  }

  /** Waits for the job in flight, ignoring its outcome (for cleanup after another error). */
  async settle(): Promise<void> {
    if (this.pending) await this.pending.catch(() => {});
  }
}
