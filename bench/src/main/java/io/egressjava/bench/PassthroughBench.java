package io.egressjava.bench;

import io.egressjava.core.plan.MediaCodec;
import io.egressjava.media.ffmpeg.PacketReader;
import io.egressjava.media.ffmpeg.PassthroughMuxer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU of track-egress passthrough: the encoded frames of a VP8 stream (read into memory first, as
 * they would arrive from the RTP depacketizer) muxed into WebM. Prints CPU seconds per second of
 * media = cores per stream. Arguments: source .ivf/.webm, output, media seconds, width, height, repeats.
 */
public final class PassthroughBench {
  private PassthroughBench() {}

  public static void main(String[] args) {
    List<PacketReader.Packet> packets = PacketReader.read(Path.of(args[0]));
    double seconds = Double.parseDouble(args[2]);
    int w = Integer.parseInt(args[3]);
    int h = Integer.parseInt(args[4]);
    int repeats = Integer.parseInt(args[5]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    remux(packets, Path.of(args[1]), w, h); // warm-up (JIT, native load)
    long cpu = threads.getCurrentThreadCpuTime();
    for (int r = 0; r < repeats; r++) {
      remux(packets, Path.of(args[1]), w, h);
    }
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9 / repeats;
    System.out.printf("passthrough of %.0f s VP8 %dx%d (%d frames): %.3f CPU-s = %.4f cores per stream%n",
        seconds, w, h, packets.size(), cpuSeconds, cpuSeconds / seconds);
  }

  static void remux(List<PacketReader.Packet> packets, Path out, int w, int h) {
    try (PassthroughMuxer mux = new PassthroughMuxer(out, MediaCodec.VP8)) {
      int track = mux.addTrack(PassthroughMuxer.TrackFormat.video(MediaCodec.VP8, w, h));
      for (PacketReader.Packet p : packets) {
        mux.write(track, p.data(), Math.round(p.seconds() * 90_000), p.key());
      }
    }
  }
}
