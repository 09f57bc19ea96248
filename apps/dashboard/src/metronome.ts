/**
 * A Web Audio metronome: clicks scheduled ahead on the audio clock (a 25 ms timer looks 100 ms ahead),
 * so the beat stays exact even when the page is busy drawing. The rate can change while it runs.
 */
export class Metronome {
  private ctx: AudioContext | null = null;
  private timer: number | null = null;
  private nextAt = 0;
  private bpm = 160;

  get running(): boolean {
    return this.timer !== null;
  }

  setRate(stepsPerMin: number): void {
    if (Number.isFinite(stepsPerMin) && stepsPerMin > 30 && stepsPerMin < 300) this.bpm = stepsPerMin;
  }

  start(stepsPerMin: number): void {
    this.setRate(stepsPerMin);
    this.ctx ??= new AudioContext();
    void this.ctx.resume();
    this.nextAt = this.ctx.currentTime + 0.05;
    this.timer ??= window.setInterval(() => this.schedule(), 25);
  }

  stop(): void {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    while (this.nextAt < ctx.currentTime + 0.1) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 1500;
      gain.gain.setValueAtTime(0.5, this.nextAt);
      gain.gain.exponentialRampToValueAtTime(0.001, this.nextAt + 0.04);
      osc.connect(gain).connect(ctx.destination);
      osc.start(this.nextAt);
      osc.stop(this.nextAt + 0.05);
      this.nextAt += 60 / this.bpm;
    }
  }
}
