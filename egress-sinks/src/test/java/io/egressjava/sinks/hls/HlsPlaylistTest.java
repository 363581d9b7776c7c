package io.egressjava.sinks.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HlsPlaylistTest {
  static final Instant T0 = Instant.parse("2026-11-24T10:00:00.250Z");

  @Test
  void eventPlaylistLines() {
    HlsPlaylist p = HlsPlaylist.event(6);
    p.append(T0, 6.0, "seg_00000.ts");
    p.append(T0.plusSeconds(6), 5.96, "seg_00001.ts");
    assertThat(p.render()).isEqualTo("""
        #EXTM3U
        #EXT-X-VERSION:4
        #EXT-X-PLAYLIST-TYPE:EVENT
        #EXT-X-ALLOW-CACHE:NO
        #EXT-X-TARGETDURATION:6
        #EXT-X-MEDIA-SEQUENCE:0
        #EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:00.25Z
        #EXTINF:6.000,
        seg_00000.ts
        #EXT-X-PROGRAM-DATE-TIME:2026-11-24T10:00:06.25Z
        #EXTINF:5.960,
        seg_00001.ts
        """);
    p.end();
    assertThat(p.render()).endsWith("seg_00001.ts\n#EXT-X-ENDLIST\n");
  }

  @Test
  void livePlaylistSlidesAWindowOfFive() {
    HlsPlaylist p = HlsPlaylist.live(4);
    for (int i = 0; i < 7; i++) {
      p.append(T0.plusSeconds(4L * i), 4.0, String.format("seg_%05d.ts", i));
    }
    String text = p.render();
    assertThat(text).startsWith("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-ALLOW-CACHE:NO\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:2\n");
    assertThat(text).doesNotContain("PLAYLIST-TYPE").doesNotContain("seg_00001.ts").contains("seg_00002.ts", "seg_00006.ts");
    assertThat(p.size()).isEqualTo(5);
  }

  @ParameterizedTest
  @CsvSource({"2026-11-24T10:00:00Z,2026-11-24T10:00:00Z", "2026-11-24T10:00:00.100Z,2026-11-24T10:00:00.1Z",
      "2026-11-24T10:00:00.123456Z,2026-11-24T10:00:00.123Z", "2026-11-24T10:00:00.020Z,2026-11-24T10:00:00.02Z"})
  void programDateTime(String instant, String text) {
    assertThat(HlsPlaylist.programDateTime(Instant.parse(instant))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"4,4.000", "3.9999,4.000", "2.0005,2.000", "6.123456,6.123"})
  void extinf(double seconds, String text) {
    assertThat(HlsPlaylist.extinf(seconds)).isEqualTo(text);
  }
}
