package io.egressjava.webrtc.rtp;

/**
 * What one received RTP stream (one SSRC) looks like from here, for the report block of an RTCP
 * receiver report: sequence accounting as in RFC 3550 A.1 (without the probation of new sources:
 * SRTP has already authenticated the packets), loss as in A.3 and interarrival jitter as in A.8.
 * Feed every packet of the stream on arrival, before any reordering. Not thread-safe.
 */
public final class ReceiveStatistics {
  /** A forward jump smaller than this is loss; a larger one may be a restarted sender (A.1). */
  private static final int MAX_DROPOUT = 3000;
  /** A packet at most this far behind the highest is reordered or duplicated, not a restart. */
  private static final int MAX_MISORDER = 100;
  private static final int SEQ_MOD = 1 << 16;

  private final long ssrc;
  private final int clockRate;

  private boolean started;
  private int baseSeq;
  private int maxSeq;
  private long cycles; // wraps seen, times 65536
  private int badSeq = -1; // after a jump: the sequence number that would confirm a restart
  private long received;
  private long expectedPrior;
  private long receivedPrior;

  private double jitter; // RTP timestamp units
  private boolean haveTransit;
  private long lastArrivalNanos;
  private long lastTimestamp;

  private boolean haveSr;
  private long lastSr;
  private long lastSrArrivalNanos;

  /** @param clockRate the RTP clock of the stream's payload type (90000 for video, 48000 for Opus) */
  public ReceiveStatistics(long ssrc, int clockRate) {
    if (clockRate <= 0) {
      throw new IllegalArgumentException("clock rate " + clockRate);
    }
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  /** A packet of the stream arrived at {@code nowNanos}. */
  public void onPacket(RtpPacket p, long nowNanos) {
    onPacket(p.sequence(), p.timestamp(), nowNanos);
  }

  /** A packet with this sequence number and RTP timestamp arrived at {@code nowNanos}. */
  public void onPacket(int sequence, long rtpTimestamp, long nowNanos) {
    sequence &= 0xFFFF;
    if (!started) {
      restart(sequence);
    } else {
      int ahead = (sequence - maxSeq) & 0xFFFF;
      if (ahead < MAX_DROPOUT) {
        if (sequence < maxSeq) {
          cycles += SEQ_MOD; // e.g. 65535 → 2
        }
        maxSeq = sequence;
      } else if (ahead <= SEQ_MOD - MAX_MISORDER) {
        // a big jump: count it only once the next packet follows on from it (the sender restarted
        // its sequence); a single stray packet is ignored
        if (sequence != badSeq) {
          badSeq = (sequence + 1) & 0xFFFF;
          return;
        }
        restart(sequence);
      }
      // otherwise: a duplicate or a reordered packet, counted as received (RFC 3550 does the same)
    }
    received++;
    updateJitter(rtpTimestamp, nowNanos);
  }

  /**
   * A lost packet recovered by retransmission (RTX): it counts as received however late it is, but
   * leaves the jitter alone (its arrival time reflects the retransmission round trip).
   */
  public void onRetransmission(int sequence) {
    if (started && RtpPacket.sequenceDelta(maxSeq, sequence & 0xFFFF) <= 0) {
      received++;
    }
  }

  /** A sender report for this stream arrived; its NTP time is echoed (as LSR) in the next reports. */
  public void onSenderReport(long ntpTimestamp, long nowNanos) {
    haveSr = true;
    lastSr = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
    lastSrArrivalNanos = nowNanos;
  }

  /**
   * The report block for a receiver report sent at {@code nowNanos}; also starts the next interval
   * for the fraction lost. Null before the first packet (RFC 3550 only reports on sources heard from).
   */
  public ReportBlock report(long nowNanos) {
    if (!started) {
      return null;
    }
    long expected = expected();
    long expectedInterval = expected - expectedPrior;
    long lostInterval = expectedInterval - (received - receivedPrior);
    expectedPrior = expected;
    receivedPrior = received;
    int fraction = expectedInterval <= 0 || lostInterval <= 0
        ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    long lsr = 0;
    long dlsr = 0;
    if (haveSr) {
      lsr = lastSr;
      long delay = Math.max(0, nowNanos - lastSrArrivalNanos);
      // 1/65536 s units; a delay beyond the 32-bit range (18 h) saturates
      dlsr = delay >= 65_536_000_000_000L ? 0xFFFFFFFFL : delay * 65536 / 1_000_000_000L;
    }
    return new ReportBlock(ssrc, fraction, cumulativeLost(), extendedHighestSequence() & 0xFFFFFFFFL,
        (long) jitter, lsr, dlsr);
  }

  /** Wrap cycles × 65536 + the highest sequence number seen. */
  public long extendedHighestSequence() {
    return cycles + maxSeq;
  }

  /** Packets expected since the first: extended highest − first + 1. */
  public long expected() {
    return started ? extendedHighestSequence() - baseSeq + 1 : 0;
  }

  /** Packets received, duplicates included. */
  public long received() {
    return received;
  }

  /** Expected − received, clamped to the signed 24 bits of the report field. */
  public int cumulativeLost() {
    return (int) Math.max(-0x800000, Math.min(0x7FFFFF, expected() - received));
  }

  /** Interarrival jitter estimate in RTP timestamp units. */
  public double jitter() {
    return jitter;
  }

  public long ssrc() {
    return ssrc;
  }

  private void restart(int sequence) {
    started = true;
    baseSeq = sequence;
    maxSeq = sequence;
    badSeq = -1;
    cycles = 0;
    received = 0;
    expectedPrior = 0;
    receivedPrior = 0;
    haveTransit = false; // a restarted sender has a new timestamp base too
  }

  /**
   * J += (|D| − J) / 16, where D is how much more (or less) time passed between the arrivals of this
   * packet and the previous one than between their RTP timestamps.
   */
  private void updateJitter(long rtpTimestamp, long nowNanos) {
    if (haveTransit) {
      double arrivalDelta = (double) (nowNanos - lastArrivalNanos) * clockRate / 1e9;
      int timestampDelta = (int) (rtpTimestamp - lastTimestamp); // RTP timestamps wrap at 2^32
      double d = Math.abs(arrivalDelta - timestampDelta);
      jitter += (d - jitter) / 16;
    }
    haveTransit = true;
    lastArrivalNanos = nowNanos;
    lastTimestamp = rtpTimestamp;
  }
}
