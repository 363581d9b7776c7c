package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.media.ffmpeg.Ffmpeg;
import io.egressjava.media.ffmpeg.PacketReader;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames go in to FFmpeg's RTP packetizer (an implementation that is not ours) and must come out of
 * our depacketizers unchanged; losses drop exactly what a decoder could not use.
 */
class DepacketizerIT {

  /** Runs the bundled ffmpeg CLI to send {@code src} as RTP to a loopback socket; returns the datagrams. */
  static List<byte[]> packetize(Path src, String... codecArgs) throws Exception {
    DatagramSocket rtp = null;
    DatagramSocket rtcp = null;
    for (int attempt = 0; rtcp == null; attempt++) { // RTP on an even port, RTCP (ignored) on the next
      rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        rtcp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), rtp.getLocalPort() + 1));
      } catch (IOException e) {
        rtp.close();
        if (attempt > 20) {
          throw e;
        }
      }
    }
    rtp.setReceiveBufferSize(4 << 20);
    rtp.setSoTimeout(1500);
    List<String> args = new ArrayList<>(List.of("-v", "error", "-readrate", "4", "-i", src.toString()));
    args.addAll(List.of(codecArgs));
    args.addAll(List.of("-f", "rtp", "-pkt_size", "1200", "rtp://127.0.0.1:" + rtp.getLocalPort()));
    Process p = Ffmpeg.toolProcess("ffmpeg", args).redirectErrorStream(true).start();
    List<byte[]> datagrams = new ArrayList<>();
    byte[] buf = new byte[2048];
    try (DatagramSocket r = rtp; DatagramSocket c = rtcp) {
      while (true) {
        DatagramPacket d = new DatagramPacket(buf, buf.length);
        try {
          r.receive(d);
        } catch (SocketTimeoutException e) {
          if (!p.isAlive()) {
            break;
          }
          continue;
        }
        datagrams.add(Arrays.copyOf(d.getData(), d.getLength()));
      }
    }
    p.waitFor();
    return datagrams;
  }

  static List<EncodedFrame> depacketize(List<byte[]> datagrams, Function<Consumer<EncodedFrame>, Depacketizer> make,
      int... dropIndexes) {
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = make.apply(frames::add);
    for (int i = 0; i < datagrams.size(); i++) {
      final int index = i;
      if (Arrays.stream(dropIndexes).anyMatch(x -> x == index)) {
        continue;
      }
      d.push(RtpPacket.parse(datagrams.get(i), datagrams.get(i).length));
    }
    return frames;
  }

  static Path encode(Path dir, String name, String... args) throws Exception {
    Path out = dir.resolve(name);
    List<String> all = new ArrayList<>(List.of("-y", "-v", "error"));
    all.addAll(List.of(args));
    all.add(out.toString());
    assertThat(Ffmpeg.toolProcess("ffmpeg", all).inheritIO().start().waitFor()).isZero();
    return out;
  }

  @Test
  void vp8FramesSurviveAndALossWaitsForTheNextKeyFrame(@TempDir Path tmp) throws Exception {
    Path src = encode(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "3",
        "-c:v", "libvpx", "-b:v", "1500k", "-g", "30", "-deadline", "realtime", "-cpu-used", "8");
    List<PacketReader.Packet> original = PacketReader.read(src);
    List<byte[]> rtp = packetize(src, "-c", "copy");
    assertThat(rtp.size()).as("several packets per frame").isGreaterThan(original.size());

    List<EncodedFrame> frames = depacketize(rtp, Vp8Depacketizer::new);
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).data()).as("frame %d", i).isEqualTo(original.get(i).data());
      assertThat(frames.get(i).keyFrame()).isEqualTo(original.get(i).key());
    }
    // lose one packet in the middle of the stream (second 1 to 2): frames resume at the key frame at 2 s
    int lost = rtp.size() / 2;
    long lostTimestamp = RtpPacket.parse(rtp.get(lost), rtp.get(lost).length).timestamp();
    List<EncodedFrame> lossy = depacketize(rtp, Vp8Depacketizer::new, lost);
    EncodedFrame firstAfter = lossy.stream().filter(f -> f.rtpTimestamp() >= lostTimestamp).findFirst().orElseThrow();
    assertThat(firstAfter.keyFrame()).as("the first frame after the loss").isTrue();
    assertThat(lossy.size()).isLessThan(frames.size()).isGreaterThan(frames.size() / 3);
  }

  @Test
  void vp9FramesSurviveUnchanged(@TempDir Path tmp) throws Exception {
    Path src = encode(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "3",
        "-c:v", "libvpx-vp9", "-b:v", "1500k", "-g", "30", "-deadline", "realtime", "-cpu-used", "8");
    List<PacketReader.Packet> original = PacketReader.read(src);
    List<byte[]> rtp = packetize(src, "-c", "copy", "-strict", "experimental");
    List<EncodedFrame> frames = depacketize(rtp, Vp9Depacketizer::new);
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).data()).as("frame %d", i).isEqualTo(original.get(i).data());
      assertThat(frames.get(i).keyFrame()).as("key flag of frame %d", i).isEqualTo(original.get(i).key());
    }
  }

  @Test
  void opusPacketsPassAndALossCostsOneFrame(@TempDir Path tmp) throws Exception {
    Path src = encode(tmp, "src.ogg", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-ac", "2",
        "-c:a", "libopus", "-b:a", "64k");
    List<PacketReader.Packet> original = PacketReader.read(src);
    List<byte[]> rtp = packetize(src, "-c", "copy");
    List<EncodedFrame> frames = depacketize(rtp, OpusDepacketizer::new);
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).data()).as("packet %d", i).isEqualTo(original.get(i).data());
    }
    assertThat(depacketize(rtp, OpusDepacketizer::new, 10)).hasSize(frames.size() - 1);
  }

  @Test
  void h264AccessUnitsCarryTheSameNalUnits(@TempDir Path tmp) throws Exception {
    Path src = encode(tmp, "src.h264", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "3",
        "-c:v", "libopenh264", "-b:v", "2M", "-g", "30", "-bsf:v", "h264_mp4toannexb");
    List<PacketReader.Packet> original = PacketReader.read(src);
    List<byte[]> rtp = packetize(src, "-c", "copy");
    assertThat(rtp.stream().anyMatch(d -> (RtpPacket.parse(d, d.length).payload(0) & 0x1F) == 28))
        .as("large slices are fragmented (FU-A)").isTrue();
    List<EncodedFrame> frames = depacketize(rtp, H264Depacketizer::new);
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(nals(frames.get(i).data())).as("access unit %d", i).isEqualTo(nals(original.get(i).data()));
      assertThat(frames.get(i).keyFrame()).isEqualTo(original.get(i).key());
    }
  }

  /** The NAL units of an Annex-B access unit, without start codes, as hex strings. */
  static List<String> nals(byte[] au) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i + 2 < au.length; i++) {
      if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
        if (start >= 0) {
          out.add(hex(au, start, i - (i > 0 && au[i - 1] == 0 ? 1 : 0)));
        }
        start = i + 3;
        i += 2;
      }
    }
    if (start >= 0) {
      out.add(hex(au, start, au.length));
    }
    return out;
  }

  private static String hex(byte[] b, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < to; i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.toString();
  }
}
