package io.egressjava.webrtc;

import io.egressjava.core.media.EncodedFrame;
import io.egressjava.webrtc.rtp.AbsCaptureTime;
import io.egressjava.webrtc.rtp.Av1Depacketizer;
import io.egressjava.webrtc.rtp.Depacketizer;
import io.egressjava.webrtc.rtp.H264Depacketizer;
import io.egressjava.webrtc.rtp.NackTracker;
import io.egressjava.webrtc.rtp.OpusDepacketizer;
import io.egressjava.webrtc.rtp.ReceiveStatistics;
import io.egressjava.webrtc.rtp.ReorderBuffer;
import io.egressjava.webrtc.rtp.ReportBlock;
import io.egressjava.webrtc.rtp.RtcpRecord;
import io.egressjava.webrtc.rtp.RtcpWriter;
import io.egressjava.webrtc.rtp.RtpPacket;
import io.egressjava.webrtc.rtp.RtxUnwrapper;
import io.egressjava.webrtc.rtp.Vp8Depacketizer;
import io.egressjava.webrtc.rtp.Vp9Depacketizer;
import io.egressjava.webrtc.sdp.OfferedStreams;
import java.util.List;
import java.util.function.Consumer;

/**
 * One incoming track (its media SSRC and, for video, its RTX SSRC): RTX unwrapping, the reorder
 * buffer with NACKs, the codec's depacketizer, receiver reports and key-frame requests.
 */
public final class TrackReceiver {
  /**
   * Between key-frame requests: LiveKit stops answering NACKs after a PLI until the next key frame,
   * so asking too often turns every loss on the way into a wait for yet another key frame.
   */
  private static final long PLI_INTERVAL_NANOS = 1_000_000_000L;

  /** A frame with the codec it was sent in. */
  public record Frame(String codec, EncodedFrame frame) {}

  /**
   * How long a gap holds later packets back: long enough for a NACK and a retransmission's trip,
   * since a skipped packet costs a frozen picture until the next key frame. A gap still being asked
   * for is held longer (up to 4×), until its requests have had their chance: the tracker repeats
   * them for about 0.9 s (five, the repeats 105 ms apart growing ×1.25), and a stall of this
   * process delays them further. A file recording can afford the latency; only a packet that never
   * comes costs it.
   */
  private static final long REORDER_WAIT_NANOS = 300_000_000L;
  /** The longest a packet is held back behind a gap: what a consumer must allow for it to come late. */
  public static final double LONGEST_HOLD_SECONDS = REORDER_WAIT_NANOS * (double) ReorderBuffer.AWAITED_WAIT_FACTOR / 1e9;
  /**
   * The SFU starts a down track on a key frame and asks the publisher for one itself, so we do not
   * send a PLI at the start: LiveKit ignores NACKs after a PLI until the next key frame
   * (webrtc-receive.md §4), which would turn early losses into a frozen second.
   */
  private static final long FIRST_KEY_FRAME_GRACE_NANOS = 1_500_000_000L;
  private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;

  private final OfferedStreams.Stream stream;
  private final long rtcpSsrc;
  private final Consumer<byte[]> rtcpOut;
  private final Consumer<Frame> out;
  private final RtxUnwrapper rtx;
  private final ReorderBuffer reorder = new ReorderBuffer(REORDER_WAIT_NANOS);
  private final NackTracker nacks = new NackTracker();
  private final ReceiveStatistics stats;
  private Depacketizer depacketizer;
  private String codec;
  private long lastPliNanos;
  private volatile long firstPacketNanos;
  private long lastReportNanos;
  private volatile RtcpRecord.SenderReport lastSenderReport;
  private volatile ClockReference lastCapture;
  private volatile long packets;
  private volatile long retransmissions;
  private volatile long frames;
  private volatile long keyFrames;
  private volatile long plis;
  /** A retransmission came since the last release: what is released next was held for it. */
  private boolean networkDelay;
  /** While a release pushes packets that came late because of the network. */
  private boolean emittingDelayed;
  private volatile long bytes;
  private int lastReleased = -1;

  TrackReceiver(OfferedStreams.Stream stream, long rtcpSsrc, Consumer<byte[]> rtcpOut, Consumer<Frame> out) {
    this.stream = stream;
    this.rtcpSsrc = rtcpSsrc;
    this.rtcpOut = rtcpOut;
    this.out = out;
    this.rtx = new RtxUnwrapper(stream.mediaSsrc(), stream.rtxApt());
    this.stats = new ReceiveStatistics(stream.mediaSsrc(), stream.kind().equals("audio") ? 48_000 : 90_000);
  }

  /** A decrypted RTP packet of this track (media or RTX); reader thread. */
  synchronized void onRtp(byte[] datagram, int length, boolean isRtx, long nowNanos) {
    bytes += length;
    RtpPacket p = RtpPacket.parse(datagram, length);
    long capture = AbsCaptureTime.read(datagram, length, stream.captureTimeExtension());
    if (capture != AbsCaptureTime.NONE) {
      lastCapture = new ClockReference(p.timestamp(), (capture >>> 32) + (capture & 0xFFFFFFFFL) / 4294967296.0);
    }
    if (isRtx) {
      p = rtx.unwrap(p);
      if (p == null) {
        return; // padding probe on the RTX stream
      }
      retransmissions++;
      stats.onRetransmission(p.sequence());
    } else {
      stats.onPacket(p, nowNanos);
    }
    if (packets++ == 0) {
      firstPacketNanos = nowNanos;
    }
    long recoveredBefore = nacks.recovered();
    nacks.onPacket(p.sequence(), nowNanos);
    if (isRtx || nacks.recovered() != recoveredBefore) {
      networkDelay = true; // what is released next came late because of the network
    }
    if (reorder.push(p, nowNanos)) {
      release(reorder.pollInOrder()); // gaps are given up only once the socket is drained
    }
  }

  /**
   * The socket is empty (reader thread): whatever is still missing is not waiting unread, so gaps
   * older than the wait are given up now, and a key frame is asked for if the picture needs one.
   * Doing this on a timer instead skipped packets that sat in the socket while the process stalled.
   */
  synchronized void onDrained(long nowNanos) {
    release(reorder.poll(nowNanos, nacks::awaiting)); // not while its NACKs are still going out
    Depacketizer d = depacketizer;
    if (d != null && d.awaitingKeyFrame() && (frames > 0 || nowNanos - firstPacketNanos > FIRST_KEY_FRAME_GRACE_NANOS)) {
      pliIfDue(nowNanos);
    }
  }

  /**
   * In sequence order; padding-only packets go in too (they advance the sequence, add nothing).
   * Frames completed from packets after a gap (filled by retransmission, or given up) or held back
   * behind one are marked {@link EncodedFrame#delayed}: a clock must not take their lateness for
   * the sender's.
   */
  private void release(List<RtpPacket> ready) {
    if (ready.isEmpty()) {
      return; // nothing released: a retransmission's mark waits for what it held back
    }
    emittingDelayed = networkDelay;
    networkDelay = false;
    try {
      for (RtpPacket p : ready) {
        if (lastReleased >= 0 && p.sequence() != ((lastReleased + 1) & 0xFFFF)) {
          emittingDelayed = true; // after a gap given up
        }
        lastReleased = p.sequence();
        Depacketizer d = depacketizer(p.payloadType());
        if (d != null) {
          d.push(p);
        }
      }
    } finally {
      emittingDelayed = false;
    }
  }

  private Depacketizer depacketizer(int payloadType) {
    String c = stream.codec(payloadType);
    if (c == null) {
      return null;
    }
    if (!c.equals(codec)) {
      codec = c;
      Consumer<EncodedFrame> sink = f -> {
        frames++;
        if (f.keyFrame()) {
          keyFrames++;
        }
        out.accept(new Frame(codec, emittingDelayed ? f.asDelayed() : f));
      };
      depacketizer = switch (c) {
        case "opus" -> new OpusDepacketizer(sink);
        case "vp8" -> new Vp8Depacketizer(sink);
        case "vp9" -> new Vp9Depacketizer(sink);
        case "h264" -> new H264Depacketizer(sink);
        case "av1" -> new Av1Depacketizer(sink);
        default -> null;
      };
    }
    return depacketizer;
  }

  /** Sender reports of this track: the clock mapping, and LSR/DLSR for our receiver reports. */
  synchronized void onRtcp(List<RtcpRecord> records, long nowNanos) {
    for (RtcpRecord r : records) {
      if (r instanceof RtcpRecord.SenderReport sr && sr.ssrc() == stream.mediaSsrc()) {
        stats.onSenderReport(sr.ntpTimestamp(), nowNanos);
        lastSenderReport = sr;
      }
    }
  }

  /** Every 20 ms: NACKs that are due, a receiver report each second. */
  synchronized void tick(long nowNanos) {
    List<Integer> lost = nacks.due(nowNanos);
    if (!lost.isEmpty()) {
      rtcpOut.accept(RtcpWriter.nack(rtcpSsrc, stream.mediaSsrc(), lost));
    }
    if (nowNanos - lastReportNanos >= REPORT_INTERVAL_NANOS) {
      lastReportNanos = nowNanos;
      ReportBlock block = stats.report(nowNanos);
      if (block != null) {
        rtcpOut.accept(RtcpWriter.receiverReport(rtcpSsrc, List.of(block)));
      }
    }
  }

  /** An RTP timestamp and the publisher-clock time it stands for (seconds). */
  public record ClockReference(long rtpTimestamp, double senderSeconds) {}

  /** Asks the sender for a key frame (a PLI), at most once a second; nothing for sound. */
  public synchronized void requestKeyFrame() {
    pliIfDue(System.nanoTime());
  }

  private void pliIfDue(long nowNanos) {
    if (stream.kind().equals("video") && nowNanos - lastPliNanos > PLI_INTERVAL_NANOS) {
      lastPliNanos = nowNanos;
      plis++;
      rtcpOut.accept(RtcpWriter.pli(rtcpSsrc, stream.mediaSsrc()));
    }
  }

  /**
   * The freshest mapping of this track's RTP time to the publisher's clock: from abs-capture-time
   * when the publisher sends it (every few packets), else from the last sender report; null before either.
   */
  public ClockReference clockReference() {
    ClockReference c = lastCapture;
    if (c != null) {
      return c;
    }
    RtcpRecord.SenderReport sr = lastSenderReport;
    return sr == null ? null : new ClockReference(sr.rtpTimestamp(),
        (sr.ntpTimestamp() >>> 32) + (sr.ntpTimestamp() & 0xFFFFFFFFL) / 4294967296.0);
  }

  /** The last sender report (NTP ↔ RTP mapping of the publisher's clock), or null. */
  public RtcpRecord.SenderReport lastSenderReport() {
    return lastSenderReport;
  }

  public long retransmissions() {
    return retransmissions;
  }

  public long nacksSent() {
    return nacks.requested();
  }

  public long recovered() {
    return nacks.recovered();
  }

  public long lost() {
    return reorder.skipped();
  }

  /** Packets that arrived after their gap had been given up (a retransmission that came too late). */
  public long late() {
    return reorder.late();
  }

  public long ssrc() {
    return stream.mediaSsrc();
  }

  public String kind() {
    return stream.kind();
  }

  public String trackSid() {
    return stream.trackSid();
  }

  public long packets() {
    return packets;
  }

  /** When the first packet came (System.nanoTime); 0 before. */
  public long firstPacketNanos() {
    return firstPacketNanos;
  }

  /** RTP bytes received (media and retransmissions, headers included). */
  public long bytes() {
    return bytes;
  }

  public long frames() {
    return frames;
  }

  public long keyFrames() {
    return keyFrames;
  }

  public long plis() {
    return plis;
  }
}
