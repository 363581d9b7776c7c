package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes encoded streams into a file container (mp4, ogg, webm, mp3). MP4 is written fragmented
 * while recording, so a process killed at any moment leaves a playable file up to the last
 * fragment; {@link #close()} rewrites it as a regular MP4 with the index first (fast start).
 */
public final class FileMuxer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileMuxer.class);
  private final String target;
  private final Path path;
  private final String format;
  private final AVFormatContext context;
  private final List<AVRational> sourceTimeBases = new ArrayList<>();
  /** Per audio stream: the encoder's priming (s), hidden again by the fast-start rewrite. */
  /** When each stream's first packet was written (s): where it starts again after {@link Remux#rewrite}. */
  private final Map<Integer, Double> startSeconds = new HashMap<>();
  private boolean headerWritten;
  private boolean closed;
  private int droppedBeforeStart;
  /** Audio held while the video's first key frame is awaited (at most {@link #MAX_HELD} packets). */
  private final List<Held> held = new ArrayList<>();
  private static final int MAX_HELD = 3000;

  private record Held(int streamIndex, AVPacket packet) {}

  /** @param format FFmpeg muxer name: "mp4", "ogg", "webm", "mp3", "mpegts" */
  public FileMuxer(Path path, String format) {
    this(path.toString(), path, format);
  }

  /** A network output (e.g. "flv" to rtmp://…, "mpegts" to srt://…); nothing is rewritten at the end. */
  public static FileMuxer network(String url, String format) {
    return new FileMuxer(url, null, format);
  }

  private FileMuxer(String target, Path path, String format) {
    Ffmpeg.load();
    this.target = target;
    this.path = path;
    this.format = format;
    this.context = new AVFormatContext(null);
    Ffmpeg.check(avformat_alloc_output_context2(context, null, format, target), "avformat_alloc_output_context2(" + format + ")");
  }

  /** Whether encoders feeding this muxer must put codec headers out of band. */
  public boolean wantsGlobalHeader() {
    return (context.oformat().flags() & AVFMT_GLOBALHEADER) != 0;
  }

  /** Adds a stream for an opened encoder; returns its index. */
  public int addStream(AVCodecContext encoder) {
    AVStream stream = avformat_new_stream(context, null);
    Ffmpeg.check(avcodec_parameters_from_context(stream.codecpar(), encoder), "avcodec_parameters_from_context");
    stream.time_base(encoder.time_base());
    sourceTimeBases.add(encoder.time_base());
    return stream.index();
  }

  /** Adds a stream described by codec parameters (passthrough: no encoder); returns its index. */
  public int addStream(org.bytedeco.ffmpeg.avcodec.AVCodecParameters parameters, AVRational timeBase) {
    AVStream stream = avformat_new_stream(context, null);
    Ffmpeg.check(avcodec_parameters_copy(stream.codecpar(), parameters), "avcodec_parameters_copy");
    stream.time_base(timeBase);
    sourceTimeBases.add(timeBase);
    return stream.index();
  }

  public int addStream(VideoEncoder encoder) {
    return addStream(encoder.context());
  }

  public int addStream(AudioEncoder encoder) {
    return addStream(encoder.context());
  }

  /** Opens the file or connects to the server (once). */
  private void connect() {
    if (context.pb() != null) {
      return;
    }
    AVIOContext io = new AVIOContext(null);
    Ffmpeg.check(avio_open(io, target, AVIO_FLAG_WRITE), "avio_open(" + (path != null ? path.toString() : format) + ")");
    context.pb(io);
  }

  private void writeHeader() {
    connect();
    AVDictionary options = new AVDictionary(null);
    if (path != null) {
      // each page, cluster or fragment the muxer finishes reaches the file at once, not when the
      // 32 KB I/O buffer fills (≈5 s of Opus): a process killed mid-recording leaves it on disk
      av_dict_set(options, "flush_packets", "1", 0);
      if (format.equals("webm") || format.equals("matroska")) {
        // a cluster is written when it closes: by default after 5 s (a WebRTC track has key frames
        // only when asked), so a process killed mid-recording lost up to 5 s of a track egress's
        // WebM; at most 1 s, as an MP4 fragment (a cluster costs some 20 bytes)
        av_dict_set(options, "cluster_time_limit", "1000", 0);
      }
    }
    if (format.equals("mpegts")) {
      // TS carries the audio priming's negative start as it is; shifting it away would shift only
      // the first HLS segment (each segment is its own muxer) and break continuity and sync
      context.avoid_negative_ts(0);
    }
    if (format.equals("mp4")) {
      // keep the audio encoder's priming as negative timestamps (an edit list) instead of shifting
      // every stream by it, which would put video 23 ms late against audio
      context.avoid_negative_ts(0);
      boolean hasVideo = false;
      for (int i = 0; i < context.nb_streams(); i++) {
        hasVideo |= context.streams(i).codecpar().codec_type() == org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
      }
      // a fragment reaches the file whole when it ends: at each key frame, and at the latest after
      // 1 s, so a process killed at any moment loses that and what the encoder still held (a few
      // hundred bytes of index per fragment; the rewrite at the end removes them)
      av_dict_set(options, "movflags", hasVideo ? "frag_keyframe+empty_moov+default_base_moof"
          : "empty_moov+default_base_moof", 0);
      av_dict_set(options, "frag_duration", "1000000", 0);
    }
    try {
      Ffmpeg.check(avformat_write_header(context, options), "avformat_write_header");
    } finally {
      av_dict_free(options);
    }
    headerWritten = true;
  }

  /**
   * Opens the output now, so a refused connection shows at once; the header follows with the first
   * packet when H.264 parameter sets are still to come from a key frame, else it is written now.
   */
  public synchronized void open() {
    connect();
    if (!headerWritten && !missingParameterSets()) {
      writeHeader();
    }
  }

  private boolean missingParameterSets() {
    if (!wantsGlobalHeader()) {
      return false;
    }
    for (int i = 0; i < context.nb_streams(); i++) {
      var par = context.streams(i).codecpar();
      if (par.codec_id() == org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264 && par.extradata_size() == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Containers that keep codec headers out of band (MP4, FLV) need H.264's parameter sets before the
   * header. Encoders shared with in-band outputs (TS, SRT) do not give them up front, so they are
   * taken from the first key frame, and packets before it are dropped.
   */
  private boolean awaitingParameterSets(int streamIndex, AVPacket packet) {
    if (!missingParameterSets()) {
      return false;
    }
    var par = context.streams(streamIndex).codecpar();
    if (par.codec_id() != org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264
        || (packet.flags() & org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY) == 0) {
      return true;
    }
    byte[] data = new byte[packet.size()];
    packet.data().get(data);
    byte[] sets = H264Extradata.of(data);
    org.bytedeco.javacpp.BytePointer extradata = new org.bytedeco.javacpp.BytePointer(
        org.bytedeco.ffmpeg.global.avutil.av_mallocz(sets.length + Packets.PADDING)).capacity(sets.length + Packets.PADDING);
    extradata.put(sets, 0, sets.length);
    par.extradata(extradata);
    par.extradata_size(sets.length);
    return false;
  }

  /** Packets dropped while waiting for the first H.264 key frame (video before it; audio beyond the hold). */
  public synchronized int droppedBeforeStart() {
    return droppedBeforeStart;
  }

  /** Writes one packet produced by the encoder of {@code streamIndex} (in that encoder's time base). */
  public synchronized void write(int streamIndex, AVPacket packet) {
    if (!headerWritten) {
      if (awaitingParameterSets(streamIndex, packet)) {
        holdUntilStart(streamIndex, packet);
        return;
      }
      writeHeader();
      for (Held h : held) {
        writePacket(h.streamIndex(), h.packet());
        av_packet_free(h.packet());
      }
      held.clear();
    }
    writePacket(streamIndex, packet);
  }

  /**
   * Before the first H.264 key frame (the encoder's lookahead takes a few hundred ms) the header
   * cannot be written: video packets before it are undecodable and dropped; audio is held and
   * written once the header is, so it keeps its place — dropping it would start the audio track
   * later than the video and, as every track starts at zero, put the sound early by that much.
   */
  private void holdUntilStart(int streamIndex, AVPacket packet) {
    if (context.streams(streamIndex).codecpar().codec_id() == org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264
        || held.size() >= MAX_HELD) {
      droppedBeforeStart++;
      return;
    }
    held.add(new Held(streamIndex, org.bytedeco.ffmpeg.global.avcodec.av_packet_clone(packet)));
  }

  private void writePacket(int streamIndex, AVPacket packet) {
    AVPacket copy = org.bytedeco.ffmpeg.global.avcodec.av_packet_clone(packet);
    try {
      copy.stream_index(streamIndex);
      if (!startSeconds.containsKey(streamIndex)) {
        AVRational tb = sourceTimeBases.get(streamIndex);
        startSeconds.put(streamIndex, copy.dts() * (double) tb.num() / tb.den());
      }
      av_packet_rescale_ts(copy, sourceTimeBases.get(streamIndex), context.streams(streamIndex).time_base());
      Ffmpeg.check(av_interleaved_write_frame(context, copy), "av_interleaved_write_frame");
    } finally {
      av_packet_free(copy);
    }
  }

  /** Ends the file; an MP4 is then rewritten for fast start. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    held.forEach(h -> av_packet_free(h.packet()));
    held.clear();
    try {
      if (headerWritten) {
        Ffmpeg.check(av_write_trailer(context), "av_write_trailer");
      }
    } finally {
      if (context.pb() != null) {
        avio_closep(context.pb());
      }
      avformat_free_context(context);
    }
    if (headerWritten && path != null && format.equals("mp4")) {
      try {
        Remux.rewrite(path, "mp4", startSeconds);
      } catch (RuntimeException e) {
        // e.g. no room on the disk for the copy: the fragmented file plays as it is, and is kept
        log.warn("{}: fast-start rewrite failed ({}); the fragmented MP4 is kept as written", path, e.getMessage());
      }
    }
  }
}
