package io.egressjava.media.ffmpeg;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mixes any number of audio inputs (s16le, 48 kHz, stereo, interleaved) on one clock. Each input's
 * sound is written at the sample position where it belongs, and {@link #mix} takes a span of
 * positions from every input: an input with nothing there (muted, stalled, gone, not started) adds
 * silence, sums saturate. Placing by position rather than queueing keeps every input where its own
 * clock put it, so one input's backlog (the SFU's start-of-subscription burst) never delays it
 * against the others. Inputs join and leave at any time.
 */
public final class AudioMixer {
  private static final int CHANNELS = 2;

  /** One chunk of an input: stereo samples starting at a position (in samples). */
  private record Chunk(long start, short[] samples) {
    long end() {
      return start + samples.length / CHANNELS;
    }
  }

  private static final class Input {
    final Deque<Chunk> chunks = new ArrayDeque<>();
    /** Where the input's sound so far ends: a later write overlapping it is trimmed, not doubled. */
    long writtenUntil = Long.MIN_VALUE;
  }

  private final Map<String, Input> inputs = new LinkedHashMap<>();
  /** Where the next {@link #mix} starts: sound before it comes too late and is dropped. */
  private long mixedUntil;
  /** Samples dropped because they came after their place was mixed. */
  private long droppedLate;
  private long lateWrites;
  private String firstLate;

  public synchronized void addInput(String id) {
    inputs.putIfAbsent(id, new Input());
  }

  public synchronized void removeInput(String id) {
    inputs.remove(id);
  }

  public synchronized int inputCount() {
    return inputs.size();
  }

  /** Samples of sound that came after their place in the mix was taken (heard as silence). */
  public synchronized long droppedLate() {
    return droppedLate;
  }

  /**
   * Where every input's sound so far reaches (samples): the earliest end among the inputs, and
   * {@code Long.MIN_VALUE} while one has written nothing. Mixing past it makes that input's next
   * sound late.
   */
  public synchronized long heardUntil() {
    return inputs.values().stream().mapToLong(in -> in.writtenUntil).min().orElse(Long.MAX_VALUE);
  }

  /** How the late sound came: "N writes, first from <input> at <s> with the mix at <s>"; empty if none. */
  public synchronized String lateSummary() {
    return firstLate == null ? "" : lateWrites + " writes, " + firstLate;
  }

  /** Where the furthest input's sound so far reaches (samples); {@code Long.MIN_VALUE} before any. */
  public synchronized long writtenUntil() {
    return inputs.values().stream().mapToLong(in -> in.writtenUntil).max().orElse(Long.MIN_VALUE);
  }

  /** Where the mix has got to (samples). */
  public synchronized long position() {
    return mixedUntil;
  }

  /**
   * Places {@code length} bytes of one input's sound at sample {@code position}. What overlaps
   * sound already written for this input, or lies before what was already mixed, is dropped.
   */
  public synchronized void write(String id, long position, byte[] pcm, int length) {
    Input in = inputs.get(id);
    if (in == null) {
      return;
    }
    int samples = length / (2 * CHANNELS);
    // sound before position 0 is before the recording began, not late
    long late = Math.max(0, Math.min(position + samples, mixedUntil) - Math.max(Math.max(position, in.writtenUntil), 0));
    if (late > 0) {
      lateWrites++;
      if (firstLate == null) {
        firstLate = String.format(java.util.Locale.ROOT, "first from %s at %.3f s with the mix at %.3f s", id,
            position / 48_000.0, mixedUntil / 48_000.0);
      }
    }
    droppedLate += late;
    long skip = Math.max(0, Math.max(in.writtenUntil, mixedUntil) - position);
    if (skip >= samples) {
      return;
    }
    long start = position + skip;
    short[] s = new short[(int) (samples - skip) * CHANNELS];
    int from = (int) skip * CHANNELS * 2;
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) ((pcm[from + 2 * i] & 0xFF) | (pcm[from + 2 * i + 1] << 8));
    }
    in.chunks.addLast(new Chunk(start, s));
    in.writtenUntil = start + samples - skip;
  }

  /**
   * Mixes the next {@code samples} stereo samples (from {@link #position}) into {@code out} (s16le
   * interleaved); returns the byte count.
   */
  public synchronized int mix(int samples, byte[] out) {
    long from = mixedUntil;
    long to = from + samples;
    int[] acc = new int[samples * CHANNELS];
    for (Input in : inputs.values()) {
      while (!in.chunks.isEmpty() && in.chunks.peekFirst().end() <= from) {
        in.chunks.removeFirst();
      }
      for (Chunk c : in.chunks) {
        if (c.start() >= to) {
          break;
        }
        long a = Math.max(from, c.start());
        long b = Math.min(to, c.end());
        for (long p = a; p < b; p++) {
          int src = (int) (p - c.start()) * CHANNELS;
          int dst = (int) (p - from) * CHANNELS;
          acc[dst] += c.samples()[src];
          acc[dst + 1] += c.samples()[src + 1];
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      int v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, acc[i]));
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    mixedUntil = to;
    return acc.length * 2;
  }
}
