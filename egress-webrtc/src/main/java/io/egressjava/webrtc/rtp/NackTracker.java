package io.egressjava.webrtc.rtp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decides which missing packets of one stream to ask for again (generic NACK, RFC 4585), on the
 * schedule of LiveKit's Go SDK but tracking more and repeating later: at most {@value #MAX_TRACKED}
 * missing sequence numbers tracked, each requested at most {@value #MAX_REQUESTS} times. The first
 * request waits {@value #MIN_INTERVAL_MS} ms (a reordered packet usually shows up by then);
 * repeats are spaced by base × 1.25^(n−1), at most {@value #MAX_INTERVAL_MS} ms, where the base is
 * the round-trip time when known (a retransmission cannot come back sooner) but at least
 * {@value #MIN_REPEAT_MS} ms. Feed the media packets on arrival (before reordering)
 * and the sequence numbers of packets recovered by retransmission. Not thread-safe.
 */
public final class NackTracker {
  /**
   * More than LiveKit's Go SDK (100): one lost burst of a 720p key frame at 2 Mbps spans more than
   * 100 packets, and a gap that large used to go un-NACKed entirely. Half the reorder buffer's span.
   */
  static final int MAX_TRACKED = 512;
  static final int MAX_REQUESTS = 5;
  static final long MIN_INTERVAL_MS = 20;
  /**
   * Between repeats for one packet: LiveKit's down track ignores a repeat NACK that comes within
   * min(100 ms, 2×RTT) of the last one it answered (sequencer.go, ignoreRetransmission), and its RTT
   * is 70 ms until our receiver reports correct it, longer when the node is loaded. Repeats sooner
   * than this were wasted, which left one real retransmission per lost packet.
   */
  static final long MIN_REPEAT_MS = 105;
  static final long MAX_INTERVAL_MS = 400;
  private static final double BACKOFF = 1.25;
  private static final long MS = 1_000_000;
  /** Further behind the highest than this is not a late packet but a sender restarting its numbering. */
  private static final int MAX_BEHIND = 1000;

  private static final class Missing {
    final int sequence;
    final long seenNanos;
    int requests;
    long lastRequestNanos;

    Missing(int sequence, long seenNanos) {
      this.sequence = sequence;
      this.seenNanos = seenNanos;
    }
  }

  private final List<Missing> missing = new ArrayList<>(); // in sequence order
  private long rttNanos; // 0: unknown
  private int highest = -1;
  private int restartSequence = -1; // after a big backward jump: the packet that would confirm a restart
  private long requested;
  private long recovered;
  private long gaveUp;

  /** The round-trip time to the sender (e.g. from RTCP or the SFU); 0 means unknown. */
  public void setRtt(long rttNanos) {
    this.rttNanos = Math.max(0, rttNanos);
  }

  /**
   * A packet arrived (original or recovered by retransmission): a new gap is tracked, a tracked one
   * filled is forgotten. A jump of more than {@value #MAX_TRACKED} missing resets tracking instead.
   */
  public void onPacket(int sequence, long nowNanos) {
    sequence &= 0xFFFF;
    if (highest < 0) {
      highest = sequence;
      return;
    }
    int ahead = RtpPacket.sequenceDelta(highest, sequence);
    if (ahead > 0) {
      if (ahead - 1 > MAX_TRACKED) {
        reset(sequence); // asking for this many would flood the sender; start again from here
        return;
      }
      for (int s = highest + 1; s != highest + ahead; s++) {
        track(s & 0xFFFF, nowNanos);
      }
      highest = sequence;
    } else if (ahead < 0 && !remove(sequence) && ahead < -MAX_BEHIND) {
      // far behind and not one we are waiting for: a stray, or the sender restarted lower; two
      // consecutive such packets mean a restart (as RFC 3550 A.1 does for jumps)
      if (sequence == restartSequence) {
        reset(sequence);
      } else {
        restartSequence = (sequence + 1) & 0xFFFF;
      }
    }
  }

  /** The sequence numbers to put in a NACK now, in sequence order (may be empty). */
  public List<Integer> due(long nowNanos) {
    List<Integer> out = new ArrayList<>();
    for (Iterator<Missing> it = missing.iterator(); it.hasNext(); ) {
      Missing m = it.next();
      long since = nowNanos - (m.requests == 0 ? m.seenNanos : m.lastRequestNanos);
      if (since < interval(m.requests)) {
        continue;
      }
      if (m.requests >= MAX_REQUESTS) {
        it.remove(); // the last request had its chance to be answered
        gaveUp++;
        continue;
      }
      m.requests++;
      m.lastRequestNanos = nowNanos;
      requested++;
      out.add(m.sequence);
    }
    return out;
  }

  /** Whether this missing packet is still being asked for (tracked, its last request not yet given up). */
  public boolean awaiting(int sequence) {
    sequence &= 0xFFFF;
    for (Missing m : missing) {
      if (m.sequence == sequence) {
        return true;
      }
    }
    return false;
  }

  /** Sequence numbers currently tracked as missing. */
  public int pending() {
    return missing.size();
  }

  /** Requests issued, counting each sequence number of each NACK. */
  public long requested() {
    return requested;
  }

  /** Missing packets that arrived after being requested at least once. */
  public long recovered() {
    return recovered;
  }

  /** Missing packets no longer tracked without having arrived: requests exhausted, or evicted. */
  public long gaveUp() {
    return gaveUp;
  }

  /** How long to wait after the previous request (or, before the first, after noticing the gap). */
  private long interval(int requests) {
    if (requests == 0) {
      return MIN_INTERVAL_MS * MS;
    }
    double base = Math.max(rttNanos, MIN_REPEAT_MS * MS);
    long spacing = (long) (base * Math.pow(BACKOFF, requests - 1));
    return Math.min(MAX_INTERVAL_MS * MS, spacing);
  }

  private void track(int sequence, long nowNanos) {
    if (missing.size() == MAX_TRACKED) {
      missing.remove(0); // the oldest is the least likely to still be useful
      gaveUp++;
    }
    missing.add(new Missing(sequence, nowNanos));
  }

  private boolean remove(int sequence) {
    for (Iterator<Missing> it = missing.iterator(); it.hasNext(); ) {
      Missing m = it.next();
      if (m.sequence == sequence) {
        it.remove();
        if (m.requests > 0) {
          recovered++;
        }
        return true;
      }
    }
    return false;
  }

  private void reset(int sequence) {
    gaveUp += missing.size();
    missing.clear();
    highest = sequence;
    restartSequence = -1;
  }
}
