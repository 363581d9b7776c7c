package io.egressjava.webrtc.rtp;

/**
 * One reception report block of an RTCP receiver report (RFC 3550 §6.4.1), as plain numbers: the
 * writer masks each to its field width (cumulativeLost is clamped to the signed 24-bit range).
 *
 * @param ssrc the media source reported on
 * @param fractionLost lost since the previous report, as a fixed-point fraction of 256 (0–255)
 * @param cumulativeLost expected − received since the start (may be negative with duplicates)
 * @param extendedHighestSeq wrap cycles in the upper 16 bits, highest sequence number in the lower
 * @param jitter interarrival jitter in RTP timestamp units
 * @param lastSr middle 32 bits of the NTP timestamp of the last sender report (0: none yet)
 * @param delaySinceLastSr time since that sender report arrived, in 1/65536 s (0: none yet)
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSeq, long jitter,
    long lastSr, long delaySinceLastSr) {
}
