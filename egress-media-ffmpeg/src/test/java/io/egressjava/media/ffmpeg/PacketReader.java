package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;

/** Reads the encoded packets of a file's first stream (no decoding), for byte-level comparisons. */
public final class PacketReader {
  private PacketReader() {}

  /** One packet: payload bytes, pts in seconds, key flag. */
  public record Packet(byte[] data, double seconds, boolean key) {}

  public static List<Packet> read(Path file) {
    Ffmpeg.load();
    AVFormatContext in = new AVFormatContext(null);
    Ffmpeg.check(avformat_open_input(in, file.toString(), null, null), "avformat_open_input");
    AVPacket p = av_packet_alloc();
    List<Packet> out = new ArrayList<>();
    try {
      var tb = in.streams(0).time_base();
      while (av_read_frame(in, p) >= 0) {
        if (p.stream_index() == 0) {
          byte[] data = new byte[p.size()];
          p.data().get(data);
          out.add(new Packet(data, p.pts() * (double) tb.num() / tb.den(), (p.flags() & AV_PKT_FLAG_KEY) != 0));
        }
        av_packet_unref(p);
      }
    } finally {
      av_packet_free(p);
      avformat_close_input(in);
    }
    return out;
  }
}
