package io.egressjava.media.ffmpeg;

/**
 * Keeps an output at a constant frame rate whatever the input does: a source frame at time t fills
 * every output slot up to the next one (repeated when the source is slower or stalls, dropped when
 * it is faster), and {@link #catchUp} repeats the last picture while no frame arrives at all.
 */
public final class ConstantFrameRate {
  private final double interval;
  private long emitted;

  public ConstantFrameRate(int fps) {
    this.interval = 1.0 / fps;
  }

  /** How many output frames a source frame at {@code t} (s, on the egress clock) fills: 0 drops it. */
  public int framesFor(double t) {
    long due = (long) Math.floor(t / interval + 1e-9) + 1;
    int n = (int) Math.max(0, due - emitted);
    emitted += n;
    return n;
  }

  /**
   * Which slots are decided now that a frame at {@code next} has come after one at {@code previous}:
   * every slot whose time plus half a frame is before {@code next}, since no later frame may show in
   * it. Each gets the latest frame no more than half a frame after its time: {@code previous} from
   * the first slot that allows it on ({@link Slots#previous}), what was shown before until then
   * ({@link Slots#repeats}). Two frames landing near one slot thus keep the later one — a flash that
   * a jittery camera delivers early in a slot is not lost to the frame before it.
   */
  public Slots decide(double previous, double next) {
    int repeats = 0;
    int shown = 0;
    while (emitted * interval + interval / 2 < next - 1e-9) {
      if (previous <= emitted * interval + interval / 2 + 1e-9) {
        shown++;
      } else {
        repeats++;
      }
      emitted++;
    }
    return new Slots(repeats, shown);
  }

  /** Slots decided by {@link #decide}: first {@code repeats} of the picture shown before, then {@code previous} of the new one. */
  public record Slots(int repeats, int previous) {}

  /** Output frames owed at time {@code now} when no source frame came: repeat the last picture this often. */
  public int catchUp(double now) {
    return framesFor(now);
  }

  public long emitted() {
    return emitted;
  }
}
