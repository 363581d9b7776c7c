package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.media.ffmpeg.PacketReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receive stages together on a stream FFmpeg packetized (VP8): the network reorders, duplicates
 * and loses a packet; the NACK brings it back as RTX; every frame must come out unchanged.
 */
class ReceivePipelineIT {
  private static final long MS = 1_000_000;

  @Test
  void reorderedDuplicatedAndRetransmittedPacketsStillYieldEveryFrame(@TempDir Path tmp) throws Exception {
    Path src = DepacketizerIT.encode(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t",
        "2", "-c:v", "libvpx", "-b:v", "1500k", "-g", "30", "-deadline", "realtime", "-cpu-used", "8");
    List<PacketReader.Packet> original = PacketReader.read(src);
    List<byte[]> sent = DepacketizerIT.packetize(src, "-c", "copy");
    long mediaSsrc = RtpPacket.parse(sent.get(0), sent.get(0).length).ssrc();
    for (int i = 1; i < sent.size(); i++) {
      assertThat(RtpPacket.sequenceDelta(RtpPacket.parse(sent.get(i - 1), 12).sequence(),
          RtpPacket.parse(sent.get(i), 12).sequence())).as("capture of packet %d", i).isEqualTo(1);
    }
    int lost = sent.size() / 2;

    // the network: packets 1 ms apart, shuffled within groups of 5 (after the first), every 40th sent twice, one lost
    Random random = new Random(3);
    List<Integer> order = new ArrayList<>();
    for (int start = 0; start < sent.size(); start += 5) {
      List<Integer> group = new ArrayList<>();
      for (int i = start; i < Math.min(start + 5, sent.size()); i++) {
        if (i != lost) {
          group.add(i);
          if (i % 40 == 0) {
            group.add(i);
          }
        }
      }
      if (start > 0) { // the first packet fixes where the buffer starts: anything before it would be late
        Collections.shuffle(group, random);
      }
      order.addAll(group);
    }

    ReceiveStatistics stats = new ReceiveStatistics(mediaSsrc, 90000);
    NackTracker nacks = new NackTracker();
    ReorderBuffer buffer = new ReorderBuffer(200 * MS);
    RtxUnwrapper rtx = new RtxUnwrapper(mediaSsrc, Map.of(97, 96));
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer depacketizer = new Vp8Depacketizer(frames::add);
    byte[] socketBuffer = new byte[2048]; // reused for every datagram, as a receive loop would

    long retransmissionAt = -1;
    long now = 0;
    for (int k = 0; k <= order.size() + 300; k++, now += MS) {
      List<byte[]> arriving = new ArrayList<>(); // this millisecond's datagrams; an RTX one is marked by its PT
      if (now == retransmissionAt) {
        RtpPacket lostPacket = RtpPacket.parse(sent.get(lost), sent.get(lost).length);
        arriving.add(RtxUnwrapperTest.rtx(1, 0xBEEFL, 97, lostPacket, 0));
      }
      if (k < order.size()) {
        arriving.add(sent.get(order.get(k)));
      }
      for (byte[] datagram : arriving) {
        System.arraycopy(datagram, 0, socketBuffer, 0, datagram.length);
        RtpPacket p = RtpPacket.parse(socketBuffer, datagram.length);
        if (p.payloadType() == 97) {
          p = rtx.unwrap(p);
          stats.onRetransmission(p.sequence());
        } else {
          stats.onPacket(p, now);
        }
        nacks.onPacket(p.sequence(), now);
        buffer.push(p, now);
      }
      List<Integer> due = nacks.due(now);
      if (!due.isEmpty()) {
        byte[] nack = RtcpWriter.nack(1, mediaSsrc, due);
        assertThat(RtcpWriterTest.unpackNack(nack)).containsExactly(RtpPacket.parse(sent.get(lost), 20).sequence());
        if (retransmissionAt < 0) {
          retransmissionAt = now + 30 * MS; // the sender answers the first NACK after a round trip
        }
      }
      for (RtpPacket p : buffer.poll(now)) {
        depacketizer.push(p);
      }
    }

    assertThat(nacks.requested()).isEqualTo(1); // 20 ms after the gap; the RTX came before a repeat was due
    assertThat(nacks.recovered()).isEqualTo(1);
    assertThat(buffer.skipped()).isZero();
    long sentTwice = order.size() - (sent.size() - 1);
    assertThat(buffer.duplicates() + buffer.late()).isEqualTo(sentTwice); // late: the first copy had gone on
    assertThat(stats.cumulativeLost()).isEqualTo((int) -sentTwice); // RFC 3550 counts duplicates as received
    assertThat(depacketizer.dropped()).isZero();
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).data()).as("frame %d", i).isEqualTo(original.get(i).data());
    }
  }
}
