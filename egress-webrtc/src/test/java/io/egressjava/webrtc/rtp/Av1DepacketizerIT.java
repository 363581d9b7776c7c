package io.egressjava.webrtc.rtp;

import io.egressjava.core.media.EncodedFrame;
import static io.egressjava.webrtc.rtp.DepacketizerIT.depacketize;
import static io.egressjava.webrtc.rtp.DepacketizerIT.encode;
import static io.egressjava.webrtc.rtp.DepacketizerIT.packetize;
import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.Av1Parameters;
import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.media.ffmpeg.PassthroughMuxer;
import io.egressjava.media.ffmpeg.Probe;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AV1 temporal units sent through FFmpeg's RTP packetizer (not ours) and through a small packetizer
 * written here from the payload spec (to reach the W=0, W=3, kept-size and fragmentation cases
 * FFmpeg does not produce) must come out as the encoder's OBUs, in low-overhead format.
 */
class Av1DepacketizerIT {
  private static final int SH = 1;
  private static final int TD = 2;
  private static final int FRAME = 6;
  private static final int TILE_LIST = 8;

  @TempDir
  static Path tmp;
  /** Three seconds of SVT-AV1 at 30 fps with a key frame a second (IVF: a temporal delimiter first). */
  static Path src;
  static List<PacketReader.Packet> original;
  /** The same stream through FFmpeg's RTP muxer. */
  static List<byte[]> rtp;

  @BeforeAll
  static void encodeSource() throws Exception {
    src = encode(tmp, "src.ivf", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "3", "-c:v", "libsvtav1",
        "-b:v", "1500k", "-g", "30", "-preset", "12");
    original = PacketReader.read(src);
    assertThat(original).hasSize(90);
    rtp = packetize(src, "-c", "copy", "-strict", "experimental"); // AV1 over RTP is experimental in FFmpeg
  }

  // --- FFmpeg's packetizer ---------------------------------------------------------------------

  @Test
  void ffmpegPacketizedTemporalUnitsCarryTheEncodersObus() throws Exception {
    assertThat(rtp.stream().anyMatch(d -> (payload(d)[0] & 0x80) != 0)).as("some OBUs span packets (Z)").isTrue();
    List<EncodedFrame> frames = depacketize(rtp, Av1Depacketizer::new);
    assertThat(frames).hasSameSizeAs(original);
    for (int i = 0; i < frames.size(); i++) {
      byte[] data = frames.get(i).data();
      List<String> expected = hex(withoutDelimiters(obus(original.get(i).data())));
      assertThat(hex(obus(data))).as("OBUs of temporal unit %d", i).isEqualTo(expected);
      assertThat(data).as("temporal unit %d in low-overhead format", i).isEqualTo(lowOverhead(original.get(i).data()));
      assertThat(frames.get(i).keyFrame()).as("key flag of temporal unit %d", i).isEqualTo(original.get(i).key());
      if (frames.get(i).keyFrame()) {
        assertThat(type(data[0])).as("a key frame opens with its sequence header").isEqualTo(SH);
        assertThat(Av1Parameters.sequenceHeader(data)).isNotNull();
      }
    }
    assertThat(frames.stream().filter(EncodedFrame::keyFrame)).hasSize(3);
  }

  @Test
  void aLostPacketWaitsForTheNextKeyFrame() throws Exception {
    List<EncodedFrame> all = depacketize(rtp, Av1Depacketizer::new);
    int lost = rtp.size() / 2; // second 1 to 2: frames come back with the key frame at 2 s
    long lostTimestamp = RtpPacket.parse(rtp.get(lost), rtp.get(lost).length).timestamp();
    List<EncodedFrame> lossy = depacketize(rtp, Av1Depacketizer::new, lost);
    EncodedFrame firstAfter = lossy.stream().filter(f -> f.rtpTimestamp() >= lostTimestamp).findFirst().orElseThrow();
    assertThat(firstAfter.keyFrame()).as("the first frame after the loss").isTrue();
    assertThat(lossy.size()).isLessThan(all.size()).isGreaterThan(all.size() / 3);
    // what is delivered is delivered whole
    for (EncodedFrame f : lossy) {
      EncodedFrame same = all.stream().filter(a -> a.rtpTimestamp() == f.rtpTimestamp()).findFirst().orElseThrow();
      assertThat(f.data()).isEqualTo(same.data());
    }
  }

  @Test
  void depacketizedUnitsMuxIntoWebmAndDecode() throws Exception {
    List<EncodedFrame> frames = depacketize(rtp, Av1Depacketizer::new);
    Path dst = tmp.resolve("track.webm");
    try (PassthroughMuxer mux = new PassthroughMuxer(dst, MediaCodec.AV1)) {
      int track = mux.addTrack(PassthroughMuxer.TrackFormat.video(MediaCodec.AV1, 640, 360));
      long first = frames.get(0).rtpTimestamp();
      for (EncodedFrame f : frames) {
        mux.write(track, f.data(), f.rtpTimestamp() - first, f.keyFrame());
      }
    }
    List<PacketReader.Packet> stored = PacketReader.read(dst);
    assertThat(stored).hasSameSizeAs(frames);
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).data()).as("stored temporal unit %d", i).isEqualTo(frames.get(i).data());
    }
    assertThat(Probe.decodedVideoFrames(dst)).isEqualTo(90);
  }

  // --- a packetizer written from the spec, fed the encoder's OBUs --------------------------------

  @Test
  void everyElementWithALengthW0() {
    assertRoundTrip(original, 300, true, false);
  }

  @Test
  void lastElementWithoutLengthW1To3() {
    List<List<byte[]>> payloads = new ArrayList<>();
    assertRoundTrip(original, 300, false, false, payloads);
    // payloads larger than any MTU, so that an OBU's tail, a whole OBU and the next one's head share one
    assertRoundTrip(original, 20_000, false, false, payloads);
    for (int w = 1; w <= 3; w++) {
      final int want = w;
      assertThat(payloads.stream().flatMap(List::stream).anyMatch(p -> ((p[0] >> 4) & 3) == want)).as("W=%d", w).isTrue();
    }
  }

  @Test
  void obuSizeFieldsKeptBySenderAreRewritten() {
    assertRoundTrip(original, 1200, false, true);
    assertRoundTrip(original, 500, true, true);
  }

  @Test
  void wholeObusInOnePacketEach() {
    assertRoundTrip(original, 100_000, true, false);
  }

  private static void assertRoundTrip(List<PacketReader.Packet> units, int maxPayload, boolean w0, boolean keepSizes) {
    assertRoundTrip(units, maxPayload, w0, keepSizes, new ArrayList<>());
  }

  private static void assertRoundTrip(List<PacketReader.Packet> units, int maxPayload, boolean w0, boolean keepSizes,
      List<List<byte[]>> payloads) {
    List<RtpPacket> packets = new ArrayList<>();
    int seq = 65_000; // crosses the 16-bit wrap
    for (int u = 0; u < units.size(); u++) {
      List<byte[]> obus = withoutDelimiters(obus(units.get(u).data()));
      if (keepSizes) {
        obus = obus.stream().map(Av1DepacketizerIT::withSize).toList();
      }
      List<byte[]> p = packetizeUnit(obus, maxPayload, w0, units.get(u).key());
      payloads.add(p);
      for (int i = 0; i < p.size(); i++) {
        packets.add(rtp(seq++ & 0xFFFF, 3000L * u, i == p.size() - 1, p.get(i)));
      }
    }
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Av1Depacketizer(frames::add);
    packets.forEach(d::push);
    assertThat(frames).hasSameSizeAs(units);
    for (int i = 0; i < frames.size(); i++) {
      assertThat(frames.get(i).data()).as("temporal unit %d", i).isEqualTo(lowOverhead(units.get(i).data()));
      assertThat(frames.get(i).keyFrame()).isEqualTo(units.get(i).key());
    }
    assertThat(d.dropped()).isZero();
  }

  // --- hand-built edge cases ---------------------------------------------------------------------

  private static final byte[] SEQUENCE_HEADER = {0x08, 0x00, 0x00, 0x00, 0x42, 0x17};
  private static final byte[] KEY = frameObu(0x10, 400); // show_existing_frame 0, KEY_FRAME, show_frame 1
  private static final byte[] INTER = frameObu(0x30, 300); // INTER_FRAME

  @Test
  void aMissingMiddleFragmentDropsTheUnitUntilTheNextKeyFrame() {
    List<EncodedFrame> frames = new ArrayList<>();
    Av1Depacketizer d = new Av1Depacketizer(frames::add);
    int seq = send(d, 0, 0, packetizeUnit(List.of(SEQUENCE_HEADER, KEY), 150, false, true), -1);
    List<byte[]> inter = packetizeUnit(List.of(INTER), 100, false, false);
    assertThat(inter).hasSizeGreaterThan(2);
    seq = send(d, seq, 3000, inter, 1); // a fragment in the middle of the OBU is lost
    seq = send(d, seq, 6000, packetizeUnit(List.of(INTER), 100, false, false), -1); // decodable only with 3000
    assertThat(d.awaitingKeyFrame()).isTrue();
    send(d, seq, 9000, packetizeUnit(List.of(SEQUENCE_HEADER, KEY), 150, true, true), -1);
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(0L, 9000L);
    assertThat(frames).allMatch(EncodedFrame::keyFrame);
    assertThat(d.dropped()).isEqualTo(2);
    assertThat(d.awaitingKeyFrame()).isFalse();
  }

  @Test
  void aFragmentOnlyContinuesWhereTheLastPacketSaidItWould() {
    byte[] head = Arrays.copyOf(INTER, 100);
    byte[] tail = Arrays.copyOfRange(INTER, 100, INTER.length);
    // each case follows a delivered key frame, so only the broken unit itself can stop output
    // Y=1 on the last packet: the OBU never ends
    assertOnlyTheKeyFrameComes(List.of(unit(false, true, 2, false, INTER, head)), 3000);
    // Y=1 and then a packet with Z=0: the continuation is missing
    assertOnlyTheKeyFrameComes(List.of(unit(false, true, 2, false, INTER, head), unit(false, false, 1, false, INTER)), 3000);
    // a continuation skipped (Z=0) and a later one (Z=1) must not join the two fragments
    assertOnlyTheKeyFrameComes(List.of(unit(false, true, 2, false, INTER, head), unit(false, true, 2, false, INTER, head),
        unit(true, false, 1, false, tail)), 3000);
    // Z=1 after a packet that ended with a whole OBU: a continuation with no start
    assertOnlyTheKeyFrameComes(List.of(unit(false, false, 1, false, INTER), unit(true, false, 1, false, tail)), 3000);
    // Z=1 on the first packet of a unit: its start is missing (though no sequence gap says so)
    assertOnlyTheKeyFrameComes(List.of(unit(true, false, 1, false, tail)), 3000);
    // Y=1 on a unit that ends by a timestamp change rather than a marker
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Av1Depacketizer(frames::add);
    d.push(rtp(1, 0, true, unit(false, false, 2, true, SEQUENCE_HEADER, KEY)));
    d.push(rtp(2, 3000, false, unit(false, true, 2, false, INTER, head)));
    d.push(rtp(3, 6000, true, unit(false, false, 1, false, INTER)));
    d.push(rtp(4, 9000, true, unit(false, false, 2, true, SEQUENCE_HEADER, KEY)));
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(0L, 9000L);
    // and the well-formed split passes
    frames = runAfterKeyFrame(List.of(unit(false, true, 2, false, INTER, head), unit(true, false, 1, false, tail)), 3000);
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(0L, 3000L, 6000L);
    assertThat(frames.get(1).data()).isEqualTo(concat(withSize(INTER), withSize(INTER)));
  }

  /** The unit's payloads (timestamp {@code ts}, marker on the last) come out as nothing, and a key frame is awaited. */
  private static void assertOnlyTheKeyFrameComes(List<byte[]> payloads, long ts) {
    assertThat(runAfterKeyFrame(payloads, ts)).extracting(EncodedFrame::rtpTimestamp).containsExactly(0L);
  }

  /** A key frame at timestamp 0, then {@code payloads} at {@code ts}, then an inter frame. */
  private static List<EncodedFrame> runAfterKeyFrame(List<byte[]> payloads, long ts) {
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Av1Depacketizer(frames::add);
    d.push(rtp(0, 0, true, unit(false, false, 2, true, SEQUENCE_HEADER, KEY)));
    int seq = send(d, 1, ts, payloads, -1);
    boolean broken = d.awaitingKeyFrame();
    d.push(rtp(seq, ts + 3000, true, unit(false, false, 1, false, INTER))); // refers to the unit at ts
    if (broken) {
      assertThat(frames).extracting(EncodedFrame::rtpTimestamp).doesNotContain(ts + 3000);
    }
    return frames;
  }

  @Test
  void malformedAggregationIsDropped() {
    // W=3 announced, two elements present (both with lengths, the payload ends after the second)
    byte[] twoOfThree = unit(false, false, 0, true, SEQUENCE_HEADER, KEY);
    twoOfThree[0] |= 3 << 4;
    assertThat(run(List.of(twoOfThree))).isEmpty();
    byte[] twoOfThreeSplit = unit(false, true, 0, true, SEQUENCE_HEADER, Arrays.copyOf(KEY, 100)); // the same, Y=1
    twoOfThreeSplit[0] |= 3 << 4;
    assertThat(run(List.of(twoOfThreeSplit, unit(true, false, 1, false, Arrays.copyOfRange(KEY, 100, KEY.length))))).isEmpty();
    // W=0 with a length running past the payload
    byte[] p = unit(false, false, 0, true, SEQUENCE_HEADER, KEY);
    p[1 + 1 + SEQUENCE_HEADER.length] = (byte) 0xFF; // KEY's length byte(s): now longer than the packet
    assertThat(run(List.of(p))).isEmpty();
    // an OBU whose kept obu_size disagrees with its element
    byte[] badSize = withSize(KEY);
    badSize[1]++;
    assertThat(run(List.of(unit(false, false, 2, true, SEQUENCE_HEADER, badSize)))).isEmpty();
    // an aggregation header alone
    assertThat(run(List.of(new byte[] {0x18}))).isEmpty();
    // and the same units well-formed pass
    assertThat(run(List.of(unit(false, false, 2, true, SEQUENCE_HEADER, KEY)))).hasSize(1);
    assertThat(run(List.of(unit(false, false, 0, true, SEQUENCE_HEADER, KEY)))).hasSize(1);
    assertThat(run(List.of(unit(false, false, 2, true, SEQUENCE_HEADER, withSize(KEY))))).hasSize(1);
  }

  @Test
  void delimitersAndTileListsAreDroppedExtensionHeadersKept() {
    byte[] td = {0x12, 0x00}; // with a size field, as IVF has it
    byte[] tileList = {0x40, 0x01, 0x02};
    byte[] keyLayer1 = concat(new byte[] {0x34, 0x08}, Arrays.copyOfRange(KEY, 1, KEY.length)); // spatial_id 1
    List<EncodedFrame> frames = run(List.of(unit(false, false, 3, true, td, SEQUENCE_HEADER, KEY),
        unit(false, false, 3, false, tileList, keyLayer1, withSize(INTER))));
    assertThat(frames).hasSize(1);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    for (byte[] obu : List.of(SEQUENCE_HEADER, KEY, keyLayer1, INTER)) {
      want.writeBytes(withSize(obu));
    }
    assertThat(frames.get(0).data()).isEqualTo(want.toByteArray());
    assertThat(frames.get(0).keyFrame()).isTrue();
  }

  @Test
  void keyFramesNeedASequenceHeaderAndAKeyFrameHeader() {
    assertThat(keyFlag(SEQUENCE_HEADER, KEY)).isTrue();
    assertThat(keyFlag(KEY)).as("no sequence header").isFalse();
    assertThat(keyFlag(SEQUENCE_HEADER, INTER)).isFalse();
    assertThat(keyFlag(SEQUENCE_HEADER, frameObu(0x80, 2))).as("show_existing_frame").isFalse();
    assertThat(keyFlag(SEQUENCE_HEADER, frameObu(0x50, 20))).as("INTRA_ONLY_FRAME").isFalse();
    byte[] frameHeader = {0x18, 0x10, 0x00}; // OBU_FRAME_HEADER of a key frame, tiles in a tile group
    assertThat(keyFlag(SEQUENCE_HEADER, frameHeader, new byte[] {0x20, 0x55})).isTrue();
    byte[] stillSequence = {0x08, 0x18, 0x00}; // still_picture, reduced_still_picture_header
    assertThat(keyFlag(stillSequence, frameObu(0xFF, 5))).as("reduced still picture: no frame header bits").isTrue();
    // a stream that starts on an inter frame waits
    assertThat(run(List.of(unit(false, false, 1, true, INTER)))).isEmpty();
  }

  private static boolean keyFlag(byte[]... obus) {
    // a key frame is a must at the start, so a non-key unit leaves nothing behind
    List<EncodedFrame> frames = run(List.of(unit(false, false, 0, true, obus)));
    return !frames.isEmpty() && frames.get(0).keyFrame();
  }

  @Test
  void multiByteLengthsAndAMarkerlessEnd() {
    byte[] big = frameObu(0x10, 20_000); // LEB128 lengths of 3 bytes
    byte[] payload = unit(false, false, 0, false, SEQUENCE_HEADER, big);
    List<RtpPacket> packets = List.of(rtp(7, 90, false, payload), // no marker: the next timestamp ends it
        rtp(8, 3090, true, unit(false, false, 1, false, INTER)));
    List<EncodedFrame> frames = runPackets(packets);
    assertThat(frames).extracting(EncodedFrame::rtpTimestamp).containsExactly(90L, 3090L);
    assertThat(frames.get(0).data()).isEqualTo(concat(withSize(SEQUENCE_HEADER), withSize(big)));
    assertThat(frames.get(1).data()).isEqualTo(withSize(INTER));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static byte[] frameObu(int firstHeaderByte, int length) {
    byte[] b = new byte[length];
    b[0] = (byte) 0x30; // OBU_FRAME, no size field
    b[1] = (byte) firstHeaderByte;
    for (int i = 2; i < length; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }

  /** One payload: aggregation header and the elements (lengths as W says). */
  private static byte[] unit(boolean z, boolean y, int w, boolean n, byte[]... elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((z ? 0x80 : 0) | (y ? 0x40 : 0) | (w << 4) | (n ? 0x08 : 0));
    for (int i = 0; i < elements.length; i++) {
      if (w == 0 || i < elements.length - 1) {
        leb128(out, elements[i].length);
      }
      out.writeBytes(elements[i]);
    }
    return out.toByteArray();
  }

  /** Payloads sent as consecutive packets of one timestamp per payload, the marker on each. */
  private static List<EncodedFrame> run(List<byte[]> payloads) {
    List<RtpPacket> packets = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      packets.add(rtp(i, 0, i == payloads.size() - 1, payloads.get(i)));
    }
    return runPackets(packets);
  }

  private static List<EncodedFrame> runPackets(List<RtpPacket> packets) {
    List<EncodedFrame> frames = new ArrayList<>();
    Depacketizer d = new Av1Depacketizer(frames::add);
    packets.forEach(d::push);
    return frames;
  }

  /**
   * Sends one unit's payloads from {@code seq}, the marker on the last, losing the one at index
   * {@code lost}; returns the next sequence number.
   */
  private static int send(Depacketizer d, int seq, long ts, List<byte[]> payloads, int lost) {
    for (int i = 0; i < payloads.size(); i++, seq++) {
      if (i != lost) {
        d.push(rtp(seq, ts, i == payloads.size() - 1, payloads.get(i)));
      }
    }
    return seq;
  }

  private static RtpPacket rtp(int seq, long ts, boolean marker, byte[] payload) {
    return new RtpPacket(45, marker, seq, ts, 1, payload, 0, payload.length);
  }

  /**
   * Packetizes one temporal unit per the payload spec: OBUs are packed in order into payloads of at
   * most {@code maxPayload} bytes, split where they do not fit (Y on the packet, Z on the next); W=0
   * gives every element a length, otherwise up to three elements go in a packet with the last one
   * unprefixed; N on the first packet of a key frame.
   */
  static List<byte[]> packetizeUnit(List<byte[]> obus, int maxPayload, boolean w0, boolean key) {
    List<byte[]> payloads = new ArrayList<>();
    List<byte[]> elements = new ArrayList<>();
    int used = 1;
    boolean z = false;
    for (int o = 0; o < obus.size(); o++) {
      byte[] obu = obus.get(o);
      int off = 0;
      while (off < obu.length) {
        int room = maxPayload - used - 3; // room for a length of up to 3 bytes
        if (room <= 0 || (!w0 && elements.size() == 3)) {
          payloads.add(close(elements, z, false, w0, key && payloads.isEmpty()));
          used = 1;
          z = false;
          continue;
        }
        int take = Math.min(room, obu.length - off);
        byte[] element = Arrays.copyOfRange(obu, off, off + take);
        elements.add(element);
        used += 3 + take;
        off += take;
        if (off < obu.length) { // the OBU goes on in the next packet
          payloads.add(close(elements, z, true, w0, key && payloads.isEmpty()));
          used = 1;
          z = true;
        }
      }
    }
    if (!elements.isEmpty()) {
      payloads.add(close(elements, z, false, w0, key && payloads.isEmpty()));
    }
    return payloads;
  }

  private static byte[] close(List<byte[]> elements, boolean z, boolean y, boolean w0, boolean n) {
    byte[] p = unit(z, y, w0 ? 0 : elements.size(), n, elements.toArray(byte[][]::new));
    elements.clear();
    return p;
  }

  /** The OBUs of a low-overhead temporal unit, each without its size field (as RTP carries them). */
  static List<byte[]> obus(byte[] unit) {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < unit.length) {
      int header = unit[pos] & 0xFF;
      assertThat(header & 0x02).as("obu_has_size_field at %d", pos).isNotZero();
      int headerLength = (header & 0x04) != 0 ? 2 : 1;
      int p = pos + headerLength;
      long size = 0;
      int shift = 0;
      int b;
      do {
        b = unit[p++] & 0xFF;
        size |= (long) (b & 0x7F) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      byte[] obu = new byte[headerLength + (int) size];
      obu[0] = (byte) (header & ~0x02);
      if (headerLength == 2) {
        obu[1] = unit[pos + 1];
      }
      System.arraycopy(unit, p, obu, headerLength, (int) size);
      out.add(obu);
      pos = p + (int) size;
    }
    return out;
  }

  static List<byte[]> withoutDelimiters(List<byte[]> obus) {
    return obus.stream().filter(o -> type(o[0]) != TD && type(o[0]) != TILE_LIST).toList();
  }

  /** What the depacketizer should make of an encoder's temporal unit: no delimiter, minimal sizes. */
  static byte[] lowOverhead(byte[] unit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    withoutDelimiters(obus(unit)).forEach(o -> out.writeBytes(withSize(o)));
    return out.toByteArray();
  }

  /** An OBU without a size field given one (minimal LEB128). */
  static byte[] withSize(byte[] obu) {
    int headerLength = (obu[0] & 0x04) != 0 ? 2 : 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(obu[0] | 0x02);
    out.write(obu, 1, headerLength - 1);
    leb128(out, obu.length - headerLength);
    out.write(obu, headerLength, obu.length - headerLength);
    return out.toByteArray();
  }

  /** Minimal LEB128 (the test's own, not the class under test's). */
  static void leb128(ByteArrayOutputStream out, long value) {
    do {
      int x = (int) (value & 0x7F);
      value >>>= 7;
      out.write(value != 0 ? x | 0x80 : x);
    } while (value != 0);
  }

  static int type(byte header) {
    return (header >> 3) & 0x0F;
  }

  private static byte[] payload(byte[] datagram) {
    RtpPacket p = RtpPacket.parse(datagram, datagram.length);
    return Arrays.copyOfRange(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static List<String> hex(List<byte[]> obus) {
    return obus.stream().map(HexFormat.of()::formatHex).toList();
  }
}
