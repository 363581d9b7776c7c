package io.egressjava.examples;

import io.egressjava.api.rpc.StartEgressRequest;
import livekit.LivekitEgress;

/**
 * Records one track of a room as it is published (Opus → .ogg, VP8/VP9/AV1 → .webm, H.264 → .mp4),
 * without transcoding, with the library API: the egress joins the room over WebRTC itself.
 * Usage: TrackEgressExample <ws_url> <api_key> <api_secret> <room> <track_sid> <output_dir/> [seconds, default 10]
 */
public final class TrackEgressExample {
  public static void main(String[] args) throws Exception {
    var track = LivekitEgress.TrackEgressRequest.newBuilder().setRoomName(args[3]).setTrackId(args[4])
        .setFile(LivekitEgress.DirectFileOutput.newBuilder().setFilepath(args[5] + "{track_type}-{track_id}"));
    ExampleRun.record(ExampleRun.config(args[0], args[1], args[2]), StartEgressRequest.newBuilder().setTrack(track).build(),
        args.length > 6 ? Integer.parseInt(args[6]) : 10);
  }
}
