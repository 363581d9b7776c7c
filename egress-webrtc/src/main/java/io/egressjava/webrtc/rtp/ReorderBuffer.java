package io.egressjava.webrtc.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Jitter buffer for one RTP stream: puts packets back in sequence order for a {@link Depacketizer}.
 * A missing packet holds the later ones back until it arrives (reordered, or retransmitted after a
 * NACK) or until the oldest held-back packet has waited {@code maxWaitNanos}; then the gap is
 * skipped and the depacketizer sees it as loss. At most {@code capacity} sequence numbers are
 * spanned: a packet further ahead forces a skip forward.
 *
 * <p>The first packet pushed fixes where the stream starts; a packet from before it, or from before
 * anything already released or skipped, is dropped as late. Duplicates are dropped.
 *
 * <p>{@link #push} copies the payload, so the caller may reuse its receive buffer. Padding-only
 * packets (payload length 0, e.g. bandwidth probes) are released like any other: they occupy a
 * sequence number, so dropping them here would look like loss downstream. The Depacketizer
 * accepts them (they only advance its sequence); a consumer that cannot must drop them itself.
 *
 * <p>Not thread-safe; deterministic (the caller supplies the time).
 */
public final class ReorderBuffer {
  public static final int DEFAULT_CAPACITY = 1024;
  /** How much longer than the wait a gap whose packet is still being asked for may hold the rest. */
  public static final int AWAITED_WAIT_FACTOR = 4;

  private final long maxWaitNanos;
  private final int mask;
  private final RtpPacket[] slots; // indexed by sequence mod capacity
  private final long[] arrivals;
  private final List<RtpPacket> ready = new ArrayList<>(); // released by a forced skip in push

  private int next = -1; // the next sequence number to release; -1 before the first packet
  private int held;
  private long oldestArrival; // of the held packets; recomputed when stale
  private boolean oldestStale;
  private int restartSequence = -1;

  private long duplicates;
  private long late;
  private long skipped;

  public ReorderBuffer(long maxWaitNanos) {
    this(maxWaitNanos, DEFAULT_CAPACITY);
  }

  /** @param capacity a power of two from 2 to 32768: the span of sequence numbers held */
  public ReorderBuffer(long maxWaitNanos, int capacity) {
    if (capacity < 2 || capacity > 1 << 15 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two from 2 to 32768: " + capacity);
    }
    this.maxWaitNanos = maxWaitNanos;
    this.mask = capacity - 1;
    this.slots = new RtpPacket[capacity];
    this.arrivals = new long[capacity];
  }

  /** Adds a packet that arrived at {@code nowNanos}; false when it is dropped (duplicate or late). */
  public boolean push(RtpPacket p, long nowNanos) {
    int seq = p.sequence();
    if (next < 0) {
      next = seq;
    }
    int ahead = RtpPacket.sequenceDelta(next, seq);
    if (ahead <= -slots.length) {
      // so far behind it cannot be a late packet we would have held (SRTP replay protection drops
      // old ones): a stray, or the sender restarted lower; two in a row mean a restart
      if (seq != restartSequence) {
        restartSequence = (seq + 1) & 0xFFFF;
        late++;
        return false;
      }
      if (held > 0) {
        advanceTo(furthestHeld() + 1); // hand over what the old numbering left
      }
      next = seq;
      ahead = 0;
    } else if (ahead < 0) {
      late++;
      return false;
    } else if (ahead >= slots.length) {
      advanceTo(seq - mask); // make room: release or skip everything that falls out of the window
    }
    restartSequence = -1;
    int i = seq & mask;
    if (slots[i] != null) {
      duplicates++;
      return false;
    }
    slots[i] = copy(p);
    arrivals[i] = nowNanos;
    if (held == 0) {
      oldestArrival = nowNanos;
      oldestStale = false;
    } else if (!oldestStale) {
      oldestArrival = Math.min(oldestArrival, nowNanos);
    }
    held++;
    return true;
  }

  /** The packets that can go on without giving up on any gap, in sequence order (often empty). */
  public List<RtpPacket> pollInOrder() {
    List<RtpPacket> out = new ArrayList<>(ready);
    ready.clear();
    if (held > 0) {
      releaseInOrder(out);
    }
    return out;
  }

  /** The packets that can go on now, gaps older than the wait given up, in sequence order (often empty). */
  public List<RtpPacket> poll(long nowNanos) {
    return poll(nowNanos, seq -> false);
  }

  /**
   * As {@link #poll(long)}, but a gap with a packet still {@code awaited} (asked for again and not
   * yet given up by the NACK schedule) is held up to {@value #AWAITED_WAIT_FACTOR} times the wait:
   * the wait alone runs on the wall clock, and a stall of this process could otherwise use it up
   * before the requests even went out.
   */
  public List<RtpPacket> poll(long nowNanos, IntPredicate awaited) {
    List<RtpPacket> out = new ArrayList<>(ready);
    ready.clear();
    while (held > 0) {
      releaseInOrder(out);
      if (held == 0) {
        break;
      }
      long waited = nowNanos - oldestHeldArrival();
      if (waited < maxWaitNanos || waited < AWAITED_WAIT_FACTOR * maxWaitNanos && gapAwaited(awaited)) {
        break;
      }
      while (slots[next & mask] == null) { // waited long enough: give up on the gap
        next = (next + 1) & 0xFFFF;
        skipped++;
      }
    }
    return out;
  }

  /**
   * When {@link #poll} will next release something by timeout: the oldest held-back packet's arrival
   * plus the maximum wait; {@code Long.MAX_VALUE} when nothing is held.
   */
  public long nextTimeoutNanos() {
    return held == 0 ? Long.MAX_VALUE : oldestHeldArrival() + maxWaitNanos;
  }

  /** Packets in the buffer, not yet returned by {@link #poll}. */
  public int held() {
    return held + ready.size();
  }

  public long duplicates() {
    return duplicates;
  }

  /** Packets dropped because their sequence number had already been released or skipped. */
  public long late() {
    return late;
  }

  /** Sequence numbers given up on (never released). */
  public long skipped() {
    return skipped;
  }

  /** The payload copied, so the caller's datagram buffer may be reused. */
  private static RtpPacket copy(RtpPacket p) {
    byte[] payload = Arrays.copyOfRange(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
    return new RtpPacket(p.payloadType(), p.marker(), p.sequence(), p.timestamp(), p.ssrc(), payload, 0,
        payload.length);
  }

  private void releaseInOrder(List<RtpPacket> out) {
    for (int i = next & mask; slots[i] != null; i = next & mask) {
      out.add(slots[i]);
      slots[i] = null;
      held--;
      oldestStale = true;
      next = (next + 1) & 0xFFFF;
    }
  }

  /** Releases (into {@code ready}) or skips every sequence number before {@code target}. */
  private void advanceTo(int target) {
    target &= 0xFFFF;
    while (next != target) {
      if (held == 0) {
        skipped += (target - next) & 0xFFFF;
        next = target;
        break;
      }
      int i = next & mask;
      if (slots[i] != null) {
        ready.add(slots[i]);
        slots[i] = null;
        held--;
        oldestStale = true;
      } else {
        skipped++;
      }
      next = (next + 1) & 0xFFFF;
    }
  }

  /** Whether a sequence number of the gap at {@code next} is still awaited (held > 0). */
  private boolean gapAwaited(IntPredicate awaited) {
    for (int seq = next; slots[seq & mask] == null; seq = (seq + 1) & 0xFFFF) {
      if (awaited.test(seq)) {
        return true;
      }
    }
    return false;
  }

  /** The sequence number of the last held packet (held > 0). */
  private int furthestHeld() {
    for (int k = mask; ; k--) {
      int seq = (next + k) & 0xFFFF;
      if (slots[seq & mask] != null) {
        return seq;
      }
    }
  }

  private long oldestHeldArrival() {
    if (oldestStale) {
      long oldest = Long.MAX_VALUE;
      for (int k = 0, found = 0; found < held; k++) {
        int i = (next + k) & mask;
        if (slots[i] != null) {
          oldest = Math.min(oldest, arrivals[i]);
          found++;
        }
      }
      oldestArrival = oldest;
      oldestStale = false;
    }
    return oldestArrival;
  }
}
