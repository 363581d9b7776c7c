package io.egressjava.source.room.webrtc;

import io.egressjava.source.room.rtp.Depacketizer;
import io.egressjava.source.room.rtp.EncodedFrame;
import io.egressjava.source.room.rtp.H264Depacketizer;
import io.egressjava.source.room.rtp.OpusDepacketizer;
import io.egressjava.source.room.rtp.RtpPacket;
import io.egressjava.source.room.rtp.Vp8Depacketizer;
import io.egressjava.source.room.rtp.Vp9Depacketizer;
import io.egressjava.source.room.sdp.OfferedStreams;
import java.util.function.Consumer;

/**
 * One incoming track (its media SSRC and, for video, its RTX SSRC): RTX unwrapping, the reorder
 * buffer with NACKs, the codec's depacketizer, receiver reports and key-frame requests.
 */
public final class TrackReceiver {
  private static final long PLI_INTERVAL_NANOS = 500_000_000L;

  /** A frame with the codec it was sent in. */
  public record Frame(String codec, EncodedFrame frame) {}

  private final OfferedStreams.Stream stream;
  private final long rtcpSsrc;
  private final Consumer<byte[]> rtcpOut;
  private final Consumer<Frame> out;
  private Depacketizer depacketizer;
  private String codec;
  private long lastPliNanos;
  private volatile long packets;
  private volatile long frames;
  private volatile long keyFrames;
  private volatile long plis;

  TrackReceiver(OfferedStreams.Stream stream, long rtcpSsrc, Consumer<byte[]> rtcpOut, Consumer<Frame> out) {
    this.stream = stream;
    this.rtcpSsrc = rtcpSsrc;
    this.rtcpOut = rtcpOut;
    this.out = out;
  }

  /** A decrypted RTP packet of this track (media or RTX); reader thread only. */
  synchronized void onRtp(byte[] datagram, int length, boolean rtx, long nowNanos) {
    RtpPacket p = RtpPacket.parse(datagram, length);
    if (rtx) {
      if (p.payloadLength() < 2) {
        return; // padding probe
      }
      Integer apt = stream.rtxApt().get(p.payloadType());
      if (apt == null) {
        return;
      }
      int originalSeq = (p.payload(0) << 8) | p.payload(1);
      p = new RtpPacket(apt, p.marker(), originalSeq, p.timestamp(), stream.mediaSsrc(), p.buffer(),
          p.payloadOffset() + 2, p.payloadLength() - 2);
    }
    packets++;
    if (p.payloadLength() == 0) {
      return; // padding-only
    }
    Depacketizer d = depacketizer(p.payloadType());
    if (d == null) {
      return;
    }
    d.push(p);
    if (d.awaitingKeyFrame() && nowNanos - lastPliNanos > PLI_INTERVAL_NANOS && stream.kind().equals("video")) {
      lastPliNanos = nowNanos;
      plis++;
      rtcpOut.accept(pli());
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
        out.accept(new Frame(codec, f));
      };
      depacketizer = switch (c) {
        case "opus" -> new OpusDepacketizer(sink);
        case "vp8" -> new Vp8Depacketizer(sink);
        case "vp9" -> new Vp9Depacketizer(sink);
        case "h264" -> new H264Depacketizer(sink);
        default -> null;
      };
    }
    return depacketizer;
  }

  synchronized void onRtcp(byte[] packet, int length, long nowNanos) {
    // sender reports: clock mapping (next step)
  }

  synchronized void tick(long nowNanos) {
    // NACK and receiver reports (next step)
  }

  private byte[] pli() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12);
    b.put((byte) 0x81).put((byte) 206).putShort((short) 2).putInt((int) rtcpSsrc).putInt((int) stream.mediaSsrc());
    return b.array();
  }

  public String trackSid() {
    return stream.trackSid();
  }

  public long packets() {
    return packets;
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
