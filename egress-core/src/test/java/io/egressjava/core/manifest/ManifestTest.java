package io.egressjava.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestTest {

  @Test
  void jsonHasTheReferenceFieldsAndOmitsEmptyOnes() {
    Manifest m = new Manifest()
        .set("egress_id", "EG_1").set("room_id", "RM_1").set("room_name", "room").set("url", "")
        .set("started_at", 1764000000000000000L).set("ended_at", 1764000060000000000L)
        .set("track_id", "TR_1").set("track_kind", "audio").set("track_source", "microphone");
    m.addFile("rec/room.ogg", "https://b.s3.amazonaws.com/rec/room.ogg");
    m.addSegment("https://b.s3.amazonaws.com/hls/index.m3u8", "seg_00000.ts", "https://b.s3.amazonaws.com/hls/seg_00000.ts");
    m.addSegment("https://b.s3.amazonaws.com/hls/index.m3u8", "seg_00001.ts", "https://b.s3.amazonaws.com/hls/seg_00001.ts");
    m.addImage("t_00000.jpeg", 1764000005000000000L, "https://b.s3.amazonaws.com/img/t_00000.jpeg");
    assertThat(m.toJson()).isEqualTo("{\"egress_id\":\"EG_1\",\"room_id\":\"RM_1\",\"room_name\":\"room\","
        + "\"started_at\":1764000000000000000,\"ended_at\":1764000060000000000,\"track_id\":\"TR_1\",\"track_kind\":\"audio\","
        + "\"track_source\":\"microphone\","
        + "\"files\":[{\"filename\":\"rec/room.ogg\",\"location\":\"https://b.s3.amazonaws.com/rec/room.ogg\"}],"
        + "\"playlists\":[{\"location\":\"https://b.s3.amazonaws.com/hls/index.m3u8\",\"segments\":["
        + "{\"filename\":\"seg_00000.ts\",\"location\":\"https://b.s3.amazonaws.com/hls/seg_00000.ts\"},"
        + "{\"filename\":\"seg_00001.ts\",\"location\":\"https://b.s3.amazonaws.com/hls/seg_00001.ts\"}]}],"
        + "\"images\":[{\"filename\":\"t_00000.jpeg\",\"timestamp\":1764000005000000000,"
        + "\"location\":\"https://b.s3.amazonaws.com/img/t_00000.jpeg\"}]}");
    assertThat(Manifest.storagePath("rec/", "EG_1")).isEqualTo("rec/EG_1.json");
    assertThat(Manifest.storagePath("", "EG_1")).isEqualTo("EG_1.json");
  }
}
