package io.egressjava.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputNamesTest {
  // the reference README's clock: 2022-10-04 01:13:06.789
  static final ZonedDateTime README_TIME = ZonedDateTime.of(LocalDateTime.of(2022, 10, 4, 1, 13, 6, 789_000_000), ZoneId.of("UTC"));
  // Go's reference time: 1/2/2006 3:04:05.789 PM
  static final ZonedDateTime GO_TIME = ZonedDateTime.of(LocalDateTime.of(2006, 1, 2, 15, 4, 5, 789_000_000), ZoneId.of("UTC"));

  static Placeholders trackPlaceholders(ZonedDateTime now) {
    return Placeholders.forRequest("testroom", "10719607-f7b0-4d82-afe1-06b77e91fe12", 0, now)
        .with(Placeholders.PUBLISHER_IDENTITY, "david")
        .with(Placeholders.TRACK_ID, "TR_SKasdXCVgHsei")
        .with(Placeholders.TRACK_TYPE, "audio")
        .with(Placeholders.TRACK_SOURCE, "microphone");
  }

  @Test
  void timeFormatsOfTheReadme() {
    assertThat(Placeholders.time(GO_TIME)).isEqualTo("2006-01-02T150405");
    assertThat(Placeholders.utc(GO_TIME)).isEqualTo("20060102150405789");
  }

  /** Every example of the seed README's "Filenames" table. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                                     | .mp4 | testroom-2022-10-04T011306.mp4
      livekit-recordings/                    | .mp4 | livekit-recordings/testroom-2022-10-04T011306.mp4
      {room_name}/{time}                     | .mp4 | testroom/2022-10-04T011306.mp4
      {room_id}-{publisher_identity}.mp4     | .mp4 | 10719607-f7b0-4d82-afe1-06b77e91fe12-david.mp4
      {track_type}-{track_source}-{track_id} | .ogg | audio-microphone-TR_SKasdXCVgHsei.ogg
      """)
  void readmeFilenameExamples(String request, String ext, String expected) {
    assertThat(OutputNames.filePath(request, "testroom", trackPlaceholders(README_TIME), ext, 0, README_TIME))
        .isEqualTo(expected);
  }

  /** Each placeholder on its own. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {room_name}.mp4          | testroom.mp4
      {room_id}.mp4            | 10719607-f7b0-4d82-afe1-06b77e91fe12.mp4
      {time}.mp4               | 2022-10-04T011306.mp4
      {utc}.mp4                | 20221004011306789.mp4
      {publisher_identity}.mp4 | david.mp4
      {track_id}.mp4           | TR_SKasdXCVgHsei.mp4
      {track_type}.mp4         | audio.mp4
      {track_source}.mp4       | microphone.mp4
      {unknown}.mp4            | {unknown}.mp4
      """)
  void eachPlaceholder(String request, String expected) {
    assertThat(OutputNames.filePath(request, "testroom", trackPlaceholders(README_TIME), ".mp4", 0, README_TIME))
        .isEqualTo(expected);
  }

  @Test
  void retryPlaceholderOnlyOnRetries() {
    var first = Placeholders.forRequest("room", "RM_1", 0, README_TIME);
    var retry = Placeholders.forRequest("room", "RM_1", 2, README_TIME);
    assertThat(OutputNames.filePath("rec-{retry}.mp4", "room", first, ".mp4", 0, README_TIME)).isEqualTo("rec-{retry}.mp4");
    assertThat(OutputNames.filePath("rec-{retry}.mp4", "room", retry, ".mp4", 2, README_TIME)).isEqualTo("rec-2.mp4");
    assertThat(OutputNames.filePath("out/", "room", retry, ".mp4", 2, README_TIME)).isEqualTo("out/room-2022-10-04T011306-2.mp4");
  }

  @Test
  void webEgressKeepsRoomPlaceholdersLiteral() {
    var web = Placeholders.forRequest("", "", 0, README_TIME);
    assertThat(OutputNames.filePath("{room_name}-{time}", "web", web, ".mp4", 0, README_TIME))
        .isEqualTo("{room_name}-2022-10-04T011306.mp4");
    assertThat(OutputNames.filePath("", "web", web, ".mp4", 0, README_TIME)).isEqualTo("web-2022-10-04T011306.mp4");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      a.mp3          | .mp4 | a.mp4
      a.foo          | .mp4 | a.foo.mp4
      a.mp4          | .mp4 | a.mp4
      a.MP4          | .mp4 | a.MP4.mp4
      dir.ts/file    | .ogg | dir.ts/file.ogg
      rec.webm       | .ogg | rec.ogg
      x.m3u8         | .mp4 | x.mp4
      """)
  void extensionFixing(String request, String ext, String expected) {
    assertThat(OutputNames.filePath(request, "room", Placeholders.forRequest("room", "", 0, README_TIME), ext, 0, README_TIME))
        .isEqualTo(expected);
  }

  /** Traversal attempts: the result never climbs above its root. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ../../etc/passwd            | etc/passwd.mp4
      ../x/../../y.mp4            | y.mp4
      a/../../b.mp4               | b.mp4
      ./a//b/./c.mp4              | a/b/c.mp4
      ..                          | room-2022-10-04T011306.mp4
      ../                         | room-2022-10-04T011306.mp4
      /abs/file.mp4               | /abs/file.mp4
      /../../etc/x.mp4            | /etc/x.mp4
      """)
  void traversalIsStripped(String request, String expected) {
    assertThat(OutputNames.filePath(request, "room", Placeholders.forRequest("room", "", 0, README_TIME), ".mp4", 0, README_TIME))
        .isEqualTo(expected);
  }

  @Test
  void placeholderValuesCannotTraverse() {
    var evil = Placeholders.forRequest("../../../etc", "RM", 0, README_TIME);
    assertThat(OutputNames.filePath("{room_name}/x.mp4", "r", evil, ".mp4", 0, README_TIME)).isEqualTo("etc/x.mp4");
    assertThat(OutputNames.filePath("a/{room_name}/x.mp4", "r", evil, ".mp4", 0, README_TIME)).isEqualTo("etc/x.mp4");
  }

  @Test
  void localFilesStayUnderTheRoot() {
    Path root = Path.of("/srv/egress");
    assertThat(StoragePaths.resolveUnder(root, "a/b.mp4")).isEqualTo(Path.of("/srv/egress/a/b.mp4"));
    assertThat(StoragePaths.resolveUnder(root, "/abs/b.mp4")).isEqualTo(Path.of("/srv/egress/abs/b.mp4"));
    assertThat(StoragePaths.resolveUnder(root, "../../etc/passwd")).isEqualTo(Path.of("/srv/egress/etc/passwd"));
    assertThat(StoragePaths.resolveUnder(root, "a/../../../../x")).isEqualTo(Path.of("/srv/egress/x"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''            | .
      a//b          | a/b
      a/./b/        | a/b
      a/../..       | ..
      /..           | /
      /a/../../b    | /b
      ../../a       | ../../a
      """)
  void goPathClean(String in, String out) {
    assertThat(StoragePaths.goClean(in)).isEqualTo(out);
  }

  /** The reference's own segment-naming cases: prefix, playlist, live → dir, playlist, live, prefix. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                   | playlist                 | ''                      | ''          | playlist.m3u8 | ''                      | playlist
      ''                   | conf_test/playlist       | conf_test/live_playlist | conf_test/  | playlist.m3u8 | live_playlist.m3u8      | playlist
      filename             | ''                       | live_playlist2.m3u8     | ''          | filename.m3u8 | live_playlist2.m3u8     | filename
      filename             | conf_test/               | ''                      | conf_test/  | filename.m3u8 | ''                      | filename
      conf_test/           | playlist                 | ''                      | conf_test/  | playlist.m3u8 | ''                      | playlist
      conf_test/filename   | playlist                 | ''                      | conf_test/  | playlist.m3u8 | ''                      | filename
      conf_test_2/filename | conf_test/playlist       | ''                      | conf_test/  | playlist.m3u8 | ''                      | conf_test_2/filename
      ''                   | ''                       | ''                      | ''          | room-2022-10-04T011306.m3u8 | ''        | room-2022-10-04T011306
      {room_name}/seg      | {room_name}/index.m3u8   | {room_name}/live.m3u8   | room/       | index.m3u8    | live.m3u8               | seg
      """)
  void segmentNames(String prefix, String playlist, String live, String dir, String playlistFile, String liveFile, String segPrefix) {
    var names = OutputNames.segments(prefix, playlist, live, "room", Placeholders.forRequest("room", "", 0, README_TIME), 0, README_TIME);
    assertThat(names).isEqualTo(new OutputNames.SegmentNames(dir, playlistFile, liveFile, segPrefix));
  }

  @Test
  void segmentFileAndPlaylistPaths() {
    var names = OutputNames.segments("hls/seg", "hls/index.m3u8", "hls/live.m3u8", "room",
        Placeholders.forRequest("room", "", 0, README_TIME), 0, README_TIME);
    assertThat(names.playlistPath()).isEqualTo("hls/index.m3u8");
    assertThat(names.livePlaylistPath()).isEqualTo("hls/live.m3u8");
    assertThat(names.indexSegment(0)).isEqualTo("seg_00000.ts");
    assertThat(names.indexSegment(123)).isEqualTo("seg_00123.ts");
    assertThat(names.timestampSegment(README_TIME)).isEqualTo("seg_20221004011306789.ts");
  }

  @Test
  void livePlaylistRules() {
    var p = Placeholders.forRequest("room", "", 0, README_TIME);
    assertThatThrownBy(() -> OutputNames.segments("", "a/playlist", "b/live", "room", p, 0, README_TIME))
        .hasMessage("live_playlist_name must be in same directory as playlist_name");
    assertThatThrownBy(() -> OutputNames.segments("", "a/playlist.m3u8", "a/playlist", "room", p, 0, README_TIME))
        .hasMessage("live_playlist_name cannot be identical to playlist_name");
  }

  @Test
  void imageNames() {
    var p = Placeholders.forRequest("room", "", 0, README_TIME);
    var named = OutputNames.images("thumbs/{room_name}", "room", p, 0, README_TIME);
    assertThat(named.storageDir()).isEqualTo("thumbs/");
    assertThat(named.indexImage(7)).isEqualTo("room_00007.jpeg");
    assertThat(named.timestampImage(README_TIME)).isEqualTo("room_20221004011306789.jpeg");
    assertThat(named.overwriteImage()).isEqualTo("room.jpeg");
    var generated = OutputNames.images("thumbs/", "room", p, 1, README_TIME);
    assertThat(generated.prefix()).isEqualTo("room-2022-10-04T011306-1");
  }
}
