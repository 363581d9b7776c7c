package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Rewrites a file into the same container with every packet as it is, which finalizes it: a
 * fragmented MP4 becomes a regular one with the index first (fast start), a WebM cut short by a
 * crash gets its duration and cues. Reading stops at the first packet that cannot be read, so a
 * file whose writer was killed keeps everything up to its last whole packet.
 */
public final class Remux {
  private Remux() {}

  /** Whether {@link #rewrite} improves a file of this FFmpeg format (others are whole as they are). */
  public static boolean finalizes(String format) {
    return format.equals("mp4") || format.equals("webm") || format.equals("matroska");
  }

  /**
   * Rewrites {@code file} in place as {@code format} ("mp4", "webm"). With {@code startSeconds},
   * each stream is put back where its first packet was written: a fragmented MP4 starts every track
   * at zero, and the edit list of the rewrite starts an audio encoder's priming before zero (hidden)
   * and a picture that started late after it. Without, timestamps stay as read.
   */
  public static void rewrite(Path file, String format, Map<Integer, Double> startSeconds) {
    Ffmpeg.load();
    Path tmp = file.resolveSibling(file.getFileName() + ".remux." + format);
    AVFormatContext in = new AVFormatContext(null);
    AVFormatContext out = new AVFormatContext(null);
    AVPacket packet = av_packet_alloc();
    AVDictionary options = new AVDictionary(null);
    boolean inOpen = false;
    boolean outOpen = false;
    boolean written = false;
    try {
      Ffmpeg.check(avformat_open_input(in, file.toString(), null, null), "avformat_open_input");
      inOpen = true;
      Ffmpeg.check(avformat_find_stream_info(in, (org.bytedeco.javacpp.PointerPointer<?>) null), "avformat_find_stream_info");
      Ffmpeg.check(avformat_alloc_output_context2(out, null, format, tmp.toString()), "avformat_alloc_output_context2");
      for (int i = 0; i < in.nb_streams(); i++) {
        AVStream s = avformat_new_stream(out, null);
        Ffmpeg.check(avcodec_parameters_copy(s.codecpar(), in.streams(i).codecpar()), "avcodec_parameters_copy");
        s.codecpar().codec_tag(0);
        s.time_base(in.streams(i).time_base());
      }
      AVIOContext io = new AVIOContext(null);
      Ffmpeg.check(avio_open(io, tmp.toString(), AVIO_FLAG_WRITE), "avio_open");
      out.pb(io);
      outOpen = true;
      if (format.equals("mp4")) {
        av_dict_set(options, "movflags", "faststart", 0);
        out.avoid_negative_ts(0); // the audio priming stays an edit list
      }
      Ffmpeg.check(avformat_write_header(out, options), "avformat_write_header");
      Map<Integer, Long> shifts = new HashMap<>();
      while (av_read_frame(in, packet) >= 0) {
        int index = packet.stream_index();
        Long shift = shifts.get(index);
        if (shift == null) {
          AVRational tb = in.streams(index).time_base();
          shift = startSeconds == null ? 0
              : Math.round(startSeconds.getOrDefault(index, 0.0) * tb.den() / tb.num()) - packet.dts();
          shifts.put(index, shift);
        }
        packet.pts(packet.pts() + shift);
        packet.dts(packet.dts() + shift);
        av_packet_rescale_ts(packet, in.streams(index).time_base(), out.streams(index).time_base());
        packet.pos(-1);
        Ffmpeg.check(av_interleaved_write_frame(out, packet), "av_interleaved_write_frame");
        av_packet_unref(packet);
      }
      Ffmpeg.check(av_write_trailer(out), "av_write_trailer");
      written = true;
    } finally {
      av_dict_free(options);
      av_packet_free(packet);
      if (outOpen) {
        avio_closep(out.pb());
      }
      avformat_free_context(out);
      if (inOpen) {
        avformat_close_input(in);
      }
      if (!written) {
        tmp.toFile().delete(); // the file itself is left as it was
      }
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
