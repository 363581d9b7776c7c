package io.egressjava.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.egressjava.api.config.EgressConfigLoader;
import io.egressjava.api.config.StorageConfig;
import io.egressjava.api.rpc.StartEgressRequest;
import io.egressjava.core.manifest.Manifest;
import io.egressjava.core.plan.EgressPlan;
import io.egressjava.core.plan.EgressPlanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import livekit.LivekitEgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestPublisherTest {
  static EgressPlan plan(LivekitEgress.EncodedFileOutput file, LivekitEgress.SegmentedFileOutput segments) {
    var config = EgressConfigLoader.fromYaml("api_key: k\napi_secret: s\nws_url: ws://h", Map.of()).config();
    var room = LivekitEgress.RoomCompositeEgressRequest.newBuilder().setRoomName("room");
    if (file != null) {
      room.addFileOutputs(file);
    }
    if (segments != null) {
      room.addSegmentOutputs(segments);
    }
    return new EgressPlanner(config, Clock.systemUTC()).plan(StartEgressRequest.newBuilder().setEgressId("EG_m")
        .setRoomComposite(room).build());
  }

  @Test
  void manifestGoesBesideTheFileOutput(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    EgressStorage store = new EgressStorage(StorageConfig.LOCAL,
        new RetryingUploader(new LocalUploader(root), RetryPolicy.REFERENCE), null, null);
    EgressPlan p = plan(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("rec/room.mp4").build(), null);
    String location = ManifestPublisher.publish(p, new Manifest().set("egress_id", "EG_m").set("room_name", "room"),
        store, tmp.resolve("work"));
    assertThat(location).isEqualTo(root.resolve("rec/EG_m.json").toString());
    assertThat(Files.readString(root.resolve("rec/EG_m.json"))).isEqualTo("{\"egress_id\":\"EG_m\",\"room_name\":\"room\"}");
  }

  @Test
  void playlistDirectoryOrNoneWhenDisabled(@TempDir Path tmp) {
    EgressPlan hls = plan(null, LivekitEgress.SegmentedFileOutput.newBuilder().setPlaylistName("hls/index").build());
    assertThat(ManifestPublisher.directory(hls)).isEqualTo("hls/");
    EgressPlan disabled = plan(LivekitEgress.EncodedFileOutput.newBuilder().setFilepath("x.mp4").setDisableManifest(true).build(), null);
    assertThat(ManifestPublisher.publish(disabled, new Manifest(), null, tmp)).isEmpty();
  }
}
