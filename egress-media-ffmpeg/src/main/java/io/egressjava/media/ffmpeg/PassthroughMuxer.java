package io.egressjava.media.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.egressjava.core.media.H264SpsSize;
import io.egressjava.core.plan.MediaCodec;
import io.egressjava.core.plan.OutputType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/**
 * Track egress without transcoding: whole encoded frames (as the RTP depacketizers produce them)
 * written straight into the container for their codec — Opus → OGG, VP8/VP9 → WebM, H.264 → MP4.
 * No decoder or encoder is opened on this path. Timestamps are in the track's RTP clock.
 */
public final class PassthroughMuxer implements AutoCloseable {

  /** What the container needs to know about one track. */
  public record TrackFormat(MediaCodec codec, int clockRate, int width, int height, int channels) {
    public static TrackFormat opus(int channels) {
      return new TrackFormat(MediaCodec.OPUS, 48_000, 0, 0, channels);
    }

    public static TrackFormat video(MediaCodec codec, int width, int height) {
      return new TrackFormat(codec, 90_000, width, height, 0);
    }
  }

  private final FileMuxer muxer;
  private final AVPacket packet = av_packet_alloc();
  /** H.264 and AV1 wait for their first key frame: the container needs SPS/PPS or the sequence header first. */
  private TrackFormat pendingVideo;

  public PassthroughMuxer(Path file, MediaCodec trackCodec) {
    OutputType container = OutputType.forTrackCodec(trackCodec);
    if (container == null) {
      throw new MediaException("no passthrough container for " + trackCodec.mime());
    }
    this.muxer = new FileMuxer(file, switch (container) {
      case OGG -> "ogg";
      case WEBM -> "webm";
      default -> "mp4";
    });
  }

  /** Adds a track; returns its index. */
  public int addTrack(TrackFormat f) {
    if (f.codec() == MediaCodec.H264 || f.codec() == MediaCodec.AV1) {
      pendingVideo = f;
      return 0; // the single track of a track egress
    }
    return addTrack(f, null);
  }

  private int addTrack(TrackFormat f, byte[] extradata) {
    AVCodecParameters p = parameters(f);
    if (extradata != null) {
      setExtradata(p, extradata);
    }
    try {
      return muxer.addStream(p, av_make_q(1, f.clockRate()));
    } finally {
      avcodec_parameters_free(p);
    }
  }

  private static AVCodecParameters parameters(TrackFormat f) {
    AVCodecParameters p = avcodec_parameters_alloc();
    p.codec_id(switch (f.codec()) {
      case OPUS -> AV_CODEC_ID_OPUS;
      case VP8 -> AV_CODEC_ID_VP8;
      case VP9 -> AV_CODEC_ID_VP9;
      case H264 -> AV_CODEC_ID_H264;
      case AV1 -> AV_CODEC_ID_AV1;
      default -> throw new MediaException("no passthrough for " + f.codec().mime());
    });
    if (f.codec() == MediaCodec.OPUS) {
      p.codec_type(AVMEDIA_TYPE_AUDIO);
      p.sample_rate(48_000);
      av_channel_layout_default(p.ch_layout(), f.channels());
      setExtradata(p, opusHead(f.channels()));
    } else {
      p.codec_type(AVMEDIA_TYPE_VIDEO);
      p.width(f.width());
      p.height(f.height());
    }
    return p;
  }

  /** The OpusHead identification header Ogg needs (RFC 7845 §5.1): version 1, 312 samples pre-skip. */
  static byte[] opusHead(int channels) {
    ByteBuffer b = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    b.put("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.put((byte) 1).put((byte) channels).putShort((short) 312).putInt(48_000).putShort((short) 0).put((byte) 0);
    return b.array();
  }

  private static void setExtradata(AVCodecParameters p, byte[] data) {
    BytePointer buf = new BytePointer(av_malloc(data.length + 64)).capacity(data.length + 64);
    buf.put(data, 0, data.length);
    for (int i = data.length; i < data.length + 64; i++) {
      buf.put(i, (byte) 0);
    }
    p.extradata(buf);
    p.extradata_size(data.length);
  }

  /** Writes one encoded frame; {@code pts} in the track's clock (relative to the track's start). */
  public void write(int track, byte[] frame, long pts, boolean keyFrame) {
    if (pendingVideo != null) {
      if (!keyFrame) {
        return; // nothing decodes before the first key frame
      }
      TrackFormat f = pendingVideo;
      int[] size = f.codec() == MediaCodec.H264 && (f.width() <= 0 || f.height() <= 0) ? H264SpsSize.of(frame) : null;
      if (size != null) {
        f = new TrackFormat(f.codec(), f.clockRate(), size[0], size[1], f.channels());
      }
      addTrack(f, f.codec() == MediaCodec.H264 ? H264Extradata.of(frame) : Av1Parameters.sequenceHeader(frame));
      pendingVideo = null;
    }
    Packets.fill(packet, frame);
    packet.pts(pts);
    packet.dts(pts);
    packet.flags(keyFrame ? AV_PKT_FLAG_KEY : 0);
    try {
      muxer.write(track, packet);
    } finally {
      org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(packet);
    }
  }

  @Override
  public void close() {
    try {
      muxer.close();
    } finally {
      av_packet_free(packet);
    }
  }
}
