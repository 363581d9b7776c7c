package io.egressjava.media.ffmpeg;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mixes any number of audio inputs (s16le, 48 kHz, stereo, interleaved) on one clock: each call to
 * {@link #mix} takes the same number of samples from every input, with silence for an input that
 * has nothing (muted, stalled, or gone), sums them and saturates. Inputs join and leave at any time.
 */
public final class AudioMixer {
  private static final int CHANNELS = 2;

  private final Map<String, Deque<short[]>> inputs = new LinkedHashMap<>();
  private final Map<String, Integer> offsets = new LinkedHashMap<>();

  public synchronized void addInput(String id) {
    inputs.putIfAbsent(id, new ArrayDeque<>());
    offsets.putIfAbsent(id, 0);
  }

  public synchronized void removeInput(String id) {
    inputs.remove(id);
    offsets.remove(id);
  }

  public synchronized int inputCount() {
    return inputs.size();
  }

  /** Queues samples of one input. */
  public synchronized void write(String id, byte[] pcm, int length) {
    Deque<short[]> q = inputs.get(id);
    if (q == null) {
      return;
    }
    short[] s = new short[length / 2];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
    }
    q.addLast(s);
  }

  /** Mixes {@code samples} stereo samples into {@code out} (s16le interleaved); returns the byte count. */
  public synchronized int mix(int samples, byte[] out) {
    int[] acc = new int[samples * CHANNELS];
    for (Map.Entry<String, Deque<short[]>> e : inputs.entrySet()) {
      Deque<short[]> q = e.getValue();
      int offset = offsets.get(e.getKey());
      int filled = 0;
      while (filled < acc.length && !q.isEmpty()) {
        short[] head = q.peekFirst();
        int n = Math.min(head.length - offset, acc.length - filled);
        for (int i = 0; i < n; i++) {
          acc[filled + i] += head[offset + i];
        }
        filled += n;
        offset += n;
        if (offset == head.length) {
          q.removeFirst();
          offset = 0;
        }
      }
      offsets.put(e.getKey(), offset);
    }
    for (int i = 0; i < acc.length; i++) {
      int v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, acc[i]));
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    return acc.length * 2;
  }
}
