package io.egressjava.examples;

import io.egressjava.api.rpc.StartEgressRequest;
import livekit.LivekitEgress;

/**
 * Records one participant's camera and microphone (tracks published later included) into an MP4,
 * until the participant leaves or the time is up, with the library API.
 * Usage: ParticipantEgressExample <ws_url> <api_key> <api_secret> <room> <identity> <output.mp4> [seconds, default 10]
 */
public final class ParticipantEgressExample {
  public static void main(String[] args) throws Exception {
    var request = LivekitEgress.ParticipantEgressRequest.newBuilder().setRoomName(args[3]).setIdentity(args[4])
        .setPreset(LivekitEgress.EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath(args[5]));
    ExampleRun.record(ExampleRun.config(args[0], args[1], args[2]),
        StartEgressRequest.newBuilder().setParticipant(request).build(), args.length > 6 ? Integer.parseInt(args[6]) : 10);
  }
}
