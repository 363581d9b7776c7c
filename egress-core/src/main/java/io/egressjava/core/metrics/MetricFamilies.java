package io.egressjava.core.metrics;

import java.util.Map;

/**
 * Every metric family the service exposes, with its help text. The reference's names are kept as
 * it spells them (including its {@code pipline} typo); counters the reference names without
 * {@code _total} are exposed untyped so the name stays exactly the same.
 */
public final class MetricFamilies {
  private MetricFamilies() {}

  // the service (reference names)
  public static final String AVAILABLE = "livekit_egress_available";
  public static final String CAN_ACCEPT = "livekit_egress_can_accept_request";
  public static final String IS_DISABLED = "livekit_egress_is_disabled";
  public static final String IS_TERMINATING = "livekit_egress_is_terminating";
  public static final String REQUESTS = "livekit_egress_requests";
  public static final String HANDLER_RESULTS = "livekit_egress_handler_results_total";
  public static final String NODE_CPU_LOAD = "livekit_node_cpu_load";
  public static final String LOAD_RATIO = "livekit_load_ratio";
  public static final String PROC_RSS = "livekit_egress_proc_rss_bytes";

  // per egress (reference names): label egress_id
  public static final String PIPELINE_UPLOADS = "livekit_egress_pipeline_uploads";
  public static final String UPLOAD_RESPONSE_TIME = "livekit_egress_pipline_upload_response_time_ms";
  public static final String BACKUP_STORAGE_WRITES = "livekit_egress_backup_storage_writes";

  // per egress (this project's): label egress_id
  public static final String INPUT_BYTES = "livekit_egress_input_bytes_total";
  public static final String INPUT_PACKETS = "livekit_egress_input_packets_total";
  public static final String INPUT_PACKETS_LOST = "livekit_egress_input_packets_lost_total";
  public static final String INPUT_BITRATE = "livekit_egress_input_bitrate_bps";
  public static final String OUTPUT_BYTES = "livekit_egress_output_bytes_total";
  public static final String OUTPUT_BITRATE = "livekit_egress_output_bitrate_bps";
  public static final String OUTPUT_FPS = "livekit_egress_output_fps";
  public static final String FRAMES_REPEATED = "livekit_egress_frames_repeated_total";
  public static final String AUDIO_LATE_DROPPED = "livekit_egress_audio_late_dropped_seconds";
  public static final String ENCODER_QUEUE = "livekit_egress_encoder_queue_depth";
  public static final String AV_OFFSET = "livekit_egress_av_offset_ms";
  public static final String UPLOAD_BYTES = "livekit_egress_upload_bytes_total";
  public static final String UPLOAD_RETRIES = "livekit_egress_upload_retries_total";
  public static final String HANDLER_CPU = "livekit_egress_handler_cpu_cores";
  public static final String HANDLER_RSS = "livekit_egress_handler_rss_bytes";

  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry(AVAILABLE, "1 when this instance runs no egress"),
      Map.entry(CAN_ACCEPT, "1 when a web request would be accepted now"),
      Map.entry(IS_DISABLED, "1 when this instance takes no requests (disabled by config)"),
      Map.entry(IS_TERMINATING, "1 while shutting down"),
      Map.entry(REQUESTS, "running egresses by type"),
      Map.entry(HANDLER_RESULTS, "finished egresses by type and result"),
      Map.entry(NODE_CPU_LOAD, "CPU load of the node, 0 to 1"),
      Map.entry(LOAD_RATIO, "used share of the node's cpu and memory"),
      Map.entry(PROC_RSS, "resident memory of the service and its handlers"),
      Map.entry(PIPELINE_UPLOADS, "uploads of an egress by type (file, segment, playlist, liveplaylist, manifest, image) and status"),
      Map.entry(UPLOAD_RESPONSE_TIME, "upload latencies in milliseconds"),
      Map.entry(BACKUP_STORAGE_WRITES, "uploads to the backup storage by output type"),
      Map.entry(INPUT_BYTES, "RTP bytes received per track"),
      Map.entry(INPUT_PACKETS, "RTP packets received per track"),
      Map.entry(INPUT_PACKETS_LOST, "RTP packets lost per track (not recovered by NACK)"),
      Map.entry(INPUT_BITRATE, "received bit rate per track over the last seconds"),
      Map.entry(OUTPUT_BYTES, "encoded bytes written per output"),
      Map.entry(OUTPUT_BITRATE, "encoded bit rate per output over the last seconds"),
      Map.entry(OUTPUT_FPS, "video frames per second written per output over the last seconds"),
      Map.entry(FRAMES_REPEATED, "video frames that repeat the previous picture (the source sent none in time)"),
      Map.entry(AUDIO_LATE_DROPPED, "seconds of sound that came after the timeline passed them"),
      Map.entry(ENCODER_QUEUE, "frames waiting for the encoders"),
      Map.entry(AV_OFFSET, "sound minus picture offset applied for lip sync, in milliseconds"),
      Map.entry(UPLOAD_BYTES, "bytes uploaded to storage"),
      Map.entry(UPLOAD_RETRIES, "upload attempts that failed and were retried"),
      Map.entry(HANDLER_CPU, "CPU cores the egress uses: its share of its handler process's"),
      Map.entry(HANDLER_RSS, "resident memory of the handler process the egress runs in"));

  public static String help(String family) {
    return HELP.getOrDefault(family, family);
  }
}
