package io.egressjava.webrtc.rtp;

import java.util.List;

/** The RTCP packets a receiver acts on; {@link RtcpParser} skips every other type. */
public sealed interface RtcpRecord {

  /**
   * Sender report (RFC 3550 §6.4.1), without its report blocks: they describe what the sender
   * receives, which a receive-only peer has no use for. All values are unsigned, held in longs.
   *
   * @param ntpTimestamp the 64-bit NTP wallclock time (32.32 fixed point seconds since 1900)
   * @param rtpTimestamp the RTP timestamp corresponding to that wallclock time (lip sync)
   */
  record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount)
      implements RtcpRecord {

    /** The middle 32 bits of the NTP timestamp: what a receiver echoes back as LSR. */
    public long compactNtp() {
      return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
    }
  }

  /** Goodbye (RFC 3550 §6.6): these sources have left; the optional reason text is not kept. */
  record Bye(List<Long> ssrcs) implements RtcpRecord {
    public Bye {
      ssrcs = List.copyOf(ssrcs);
    }
  }
}
